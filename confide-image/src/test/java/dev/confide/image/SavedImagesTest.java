package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images as real tools write them, not as this project does: the counter's base loaded into
 * podman and saved by it as an OCI archive and as a docker-archive, and copied by skopeo with gzip
 * and with zstd layers. Each converts, and umoci unpacks each result with /code empty and its
 * sealed volume in place.
 */
class SavedImagesTest {
  @TempDir Path tmp;

  @Test
  void whatPodmanAndSkopeoWriteConverts() throws Exception {
    Assumptions.assumeTrue(PodmanEngine.installed() && dev.confide.attest.Executables.onPath("skopeo").isPresent(),
        "podman, runc and skopeo are not installed");
    PodmanEngine podman = new PodmanEngine(tmp.resolve("podman"));
    podman.load(TestImages.counterBase());
    List<Path> saved = new ArrayList<>();
    for (String format : List.of("oci-archive", "docker-archive")) {
      Path out = tmp.resolve("podman-" + format + ".tar");
      podman.command(List.of("save", "--format", format, "-o", out.toString(), "localhost/counter:latest"));
      saved.add(out);
    }
    for (String compression : List.of("gzip", "zstd")) {
      Path out = tmp.resolve("skopeo-" + compression + ".tar");
      BwrapEngine.exec(List.of("skopeo", "copy", "--dest-compress", "--dest-compress-format", compression,
          "docker-archive:" + saved.get(1), "oci-archive:" + out));
      saved.add(out);
    }
    try (ImageArchive zstd = ImageArchive.open(saved.get(3))) {
      assertThat(zstd.layers()).extracting(ImageArchive.Layer::compression).containsOnly(ImageArchive.Compression.ZSTD);
    }
    for (Path image : saved) {
      Path to = tmp.resolve("converted-" + image.getFileName());
      ConversionResult r = new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(image, to,
          tmp.resolve("policy-" + image.getFileName() + ".yaml"), "counter", "python3 /code/counter.py", List.of("/code"),
          List.of(), List.of(), null, null, null, null, TestImages.runtime(), false, null, null, null, false));
      assertThat(ImageInspection.of(to).measurement()).as(image.getFileName().toString()).isEqualTo(r.measurement());
      if (image.getFileName().toString().contains("zstd")) {
        // Debian's umoci (0.4.7) reads no zstd layers, and the input's are copied as they are: podman reads them
        PodmanEngine engine = new PodmanEngine(tmp.resolve("podman-zstd"));
        engine.load(to);
        assertThat(engine.command(List.of("run", "--rm", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
            "--entrypoint", "/usr/bin/python3", "localhost/counter:latest", "-c",
            "import os; print(os.listdir('/code'), os.path.isdir('/confide/encrypted/encrypted-code'), os.path.isfile('/.confide-tree'))")))
            .contains("[] True True");
        continue;
      }
      BwrapEngine.Bundle bundle = BwrapEngine.unpack(to, "localhost/counter:latest", tmp.resolve("unpacked-" + image.getFileName()));
      assertThat(bundle.rootfs().resolve("code")).as(image.getFileName().toString()).isEmptyDirectory();
      assertThat(bundle.rootfs().resolve("confide/encrypted/encrypted-code")).isDirectory();
      assertThat(bundle.rootfs().resolve(".confide-tree")).isRegularFile();
      assertThat(Files.readString(bundle.rootfs().resolve("usr/lib/python3.11/os.py"))).contains("def makedirs");
    }
  }
}
