package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to a conversion: each is one line naming the problem and its fix, a documented exit
 * code, and nothing written — no image, no policy, no work folder left beside them.
 */
class ImageConvertRefusalTest {
  @TempDir Path tmp;

  ConversionRequest request(Path from, String name, List<String> encrypt, List<ConversionRequest.Volume> volumes, boolean force)
      throws IOException {
    return new ConversionRequest(from, tmp.resolve("out.tar"), tmp.resolve("policy.yaml"), name, "python3 /code/counter.py",
        encrypt, List.of(), volumes, null, null, null, null, TestImages.runtime(), false, null, null, null, force);
  }

  void assertRefused(ConversionRequest r, int exit, String message, String hint) throws IOException {
    List<Path> before;
    try (var listed = Files.list(tmp)) {
      before = listed.sorted().toList();
    }
    assertThatThrownBy(() -> new ImageConverter(ImageConverter.Progress.NONE).convert(r))
        .isInstanceOfSatisfying(ImageException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(exit);
          assertThat(e.getMessage()).isEqualTo(message);
          assertThat(e.hint()).isEqualTo(hint);
        });
    try (var listed = Files.list(tmp)) {
      assertThat(listed.sorted().toList()).as("nothing written").isEqualTo(before);
    }
  }

  @Test
  void aMissingOrNonImageFromIsRefused() throws IOException {
    Path missing = tmp.resolve("missing.tar");
    assertRefused(request(missing, "counter", List.of(), List.of(), false), ExitCodes.NO_INPUT, missing + " does not exist",
        "give the image tarball ('podman save -o FILE IMAGE' makes one)");
    Path text = Files.writeString(tmp.resolve("notes.txt"), "not a tar at all\n".repeat(100));
    assertRefused(request(text, "counter", List.of(), List.of(), false), ExitCodes.DATA,
        text + " is not a container image tarball: it is not a tar file",
        "give a docker-archive ('podman save -o FILE IMAGE') or an OCI layout tarball ('podman save --format oci-archive')");
  }

  @Test
  void aTarThatIsNoImageIsRefused() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(dir.resolve("hello.txt"), "hi");
    Path tar = tmp.resolve("plain.tar");
    BwrapEngine.exec(List.of("tar", "-cf", tar.toString(), "-C", dir.toString(), "."));
    assertRefused(request(tar, "counter", List.of(), List.of(), false), ExitCodes.DATA,
        tar + " is not a container image tarball: it holds neither an OCI index.json nor a docker-archive manifest.json",
        "give a docker-archive ('podman save -o FILE IMAGE') or an OCI layout tarball ('podman save --format oci-archive')");
  }

  @Test
  void anEncryptedDirectoryTheImageLacksIsRefused() throws IOException {
    assertRefused(request(TestImages.counterBase(), "counter", List.of("/app"), List.of(), false), ExitCodes.USAGE,
        "--encrypt /app is not a directory of the image " + TestImages.counterBase(),
        "name a directory the image holds (not a link to one)");
  }

  @Test
  void aVolumeOverlappingAnEncryptedDirectoryIsRefused() throws IOException {
    assertRefused(request(TestImages.counterBase(), "counter", List.of("/code"),
        List.of(new ConversionRequest.Volume("V1", "/code/state")), false), ExitCodes.USAGE,
        "--volume V1:/code/state overlaps --encrypt /code", "mount the volume beside the encrypted directory, not in it or around it");
    assertRefused(request(TestImages.counterBase(), "counter", List.of("/code/lib"),
        List.of(new ConversionRequest.Volume("V1", "/code")), false), ExitCodes.USAGE,
        "--volume V1:/code overlaps --encrypt /code/lib", "mount the volume beside the encrypted directory, not in it or around it");
  }

  @Test
  void anEncryptedSystemDirectoryIsRefused() throws IOException {
    assertRefused(request(TestImages.counterBase(), "counter", List.of("/usr/lib/app"), List.of(), false), ExitCodes.USAGE,
        "--encrypt /usr/lib/app lies in /usr, where the runtime mounts no volume",
        "encrypt the application's own folders (e.g. /code, /app); authenticate /usr instead");
  }

  @Test
  void aNameInvalidForKubernetesIsRefused() throws IOException {
    assertRefused(request(TestImages.counterBase(), "Counter_Service", List.of(), List.of(), false), ExitCodes.USAGE,
        "--name 'Counter_Service' is not a valid Kubernetes name",
        "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit");
  }

  @Test
  void anExistingOutputIsRefusedUnlessForced() throws IOException {
    Path out = Files.writeString(tmp.resolve("out.tar"), "an older image");
    assertRefused(request(TestImages.counterBase(), "counter", List.of("/code"), List.of(), false), ExitCodes.CANT_CREATE,
        out + " exists", "remove it, choose another file, or pass --force");
    assertThat(out).hasContent("an older image");
    ConversionResult r = new ImageConverter(ImageConverter.Progress.NONE)
        .convert(request(TestImages.counterBase(), "counter", List.of("/code"), List.of(), true));
    assertThat(ImageInspection.of(r.image()).converted()).isTrue();
    try (var listed = Files.list(tmp)) {
      assertThat(listed.map(p -> p.getFileName().toString()).sorted().toList())
          .as("no work folder left").containsExactly("out.tar", "policy.yaml");
    }
  }

  @Test
  void aCommandTheImageLacksIsRefused() throws IOException {
    ConversionRequest r = new ConversionRequest(TestImages.counterBase(), tmp.resolve("out.tar"), tmp.resolve("policy.yaml"),
        "counter", "node /code/app.js", List.of(), List.of(), List.of(), null, null, null, null, TestImages.runtime(), false, null, null, null, false);
    assertRefused(r, ExitCodes.USAGE, "--command: node is not an executable of the image on its PATH "
        + "(/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)", "give a program the image holds, or its absolute path");
  }

  @Test
  void aLayerEntryLeavingTheRootIsRefused() throws Exception {
    Path evil = Files.createDirectories(tmp.resolve("evil-layer"));
    Files.writeString(evil.resolve("x"), "x");
    Path image = tmp.resolve("evil.tar");
    Path layerDir = Files.createDirectories(tmp.resolve("evil-root"));
    Files.writeString(layerDir.resolve("placeholder"), "p");
    TestImages.dockerArchive(image, List.of(layerDir), List.of("PATH=/usr/bin"), "/", "");
    // rewrite the layer with a '../' entry
    Path rewritten = tmp.resolve("evil2.tar");
    BwrapEngine.exec(List.of("python3", "-c", """
        import tarfile, io, sys
        src = tarfile.open(sys.argv[1]); dst = tarfile.open(sys.argv[2], 'w')
        for m in src.getmembers():
            data = src.extractfile(m).read() if m.isfile() else None
            if m.name.endswith('layer.tar'):
                buf = io.BytesIO(); t = tarfile.open(fileobj=buf, mode='w')
                info = tarfile.TarInfo('../../escaped'); payload = b'pwned'; info.size = len(payload)
                t.addfile(info, io.BytesIO(payload)); t.close(); data = buf.getvalue(); m.size = len(data)
            dst.addfile(m, io.BytesIO(data) if data is not None else None)
        dst.close()
        """, image.toString(), rewritten.toString()));
    Files.delete(image);
    assertRefused(request(rewritten, "counter", List.of(), List.of(), false), ExitCodes.DATA,
        "a layer's entry ../../escaped leaves the image's root", "the image is malformed or hostile; do not use it");
    assertThat(tmp.getParent().resolve("escaped")).doesNotExist();
  }
}
