package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a converted image holds: no layer carries the encrypted directory's plaintext (the input's
 * layer that did is written again without it), the policy holds the keys and the image does not,
 * skopeo reads the result as an OCI archive, and inspect says what is protected how.
 */
class ConvertedImageTest {
  @TempDir Path tmp;

  @Test
  void noLayerHoldsTheEncryptedPlaintextAndTheKeysAreOnlyInThePolicy() throws Exception {
    Path out = tmp.resolve("counter.tar");
    ConversionResult r = new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(TestImages.counterBase(),
        out, tmp.resolve("policy.yaml"), "counter", "python3 /code/counter.py", List.of("/code"), List.of(), List.of(),
        null, null, null, null, TestImages.runtime(), false, null, null, null, false));
    String secretText = "The number of executions is";
    assertThat(Files.readString(TestImages.COUNTER)).contains(secretText);
    String policy = Files.readString(r.policy());
    List<String> keys = new ArrayList<>();
    for (String line : policy.lines().toList()) {
      String t = line.strip();
      if (t.startsWith("key: ") || t.startsWith("fspf_key: ")) {
        keys.add(t.substring(t.indexOf(' ') + 1).replace("\"", ""));
      }
    }
    assertThat(keys).hasSize(2).allMatch(k -> k.matches("[0-9a-f]{64}"));
    List<String> codeEntries = new ArrayList<>();
    try (ImageArchive image = ImageArchive.open(out)) {
      for (ImageArchive.Layer layer : image.layers()) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(image.uncompressed(layer))) {
          for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            String name = LayerPaths.normalize(e.getName());
            if (name.startsWith("code/")) {
              codeEntries.add(name);
            }
            if (e.isFile()) {
              ByteArrayOutputStream content = new ByteArrayOutputStream();
              tar.transferTo(content);
              String text = content.toString(StandardCharsets.ISO_8859_1);
              assertThat(text).as(name).doesNotContain(secretText);
              for (String k : keys) {
                assertThat(text).as(name).doesNotContain(k);
              }
            }
          }
        }
      }
      assertThat(image.config().path("config").toString()).doesNotContain(keys.get(0)).doesNotContain(keys.get(1));
    }
    assertThat(codeEntries).as("the plaintext of /code is in no layer").isEmpty();
    // the input's layer without /code is the output's, byte for byte; the one with /code is not
    try (ImageArchive base = ImageArchive.open(TestImages.counterBase()); ImageArchive converted = ImageArchive.open(out)) {
      // the runtime's layer and the image's own
      assertThat(converted.layers()).hasSize(base.layers().size() + 2);
      assertThat(rawDigest(converted, converted.layers().get(0))).isEqualTo(rawDigest(base, base.layers().get(0)));
      assertThat(rawDigest(converted, converted.layers().get(1))).isNotEqualTo(rawDigest(base, base.layers().get(1)));
      assertThat(converted.layers().get(0).entry()).endsWith(rawDigest(base, base.layers().get(0)));
    }
    assertThat(BwrapEngine.exec(List.of("skopeo", "inspect", "oci-archive:" + out))).contains(r.measurement());
    ImageInspection inspected = ImageInspection.of(out);
    assertThat(inspected.session()).isEqualTo(r.session());
    assertThat(inspected.protections()).containsExactly(new ImageInspection.Protected("/code", "encrypted", "encrypted-code"),
        new ImageInspection.Protected("/usr", "authenticated", null));
  }

  /**
   * The image's own layer, written while the sealing still goes on (objects as they are made), holds
   * each file of the sealed volume once, every folder before what it holds, and the volume's
   * header and manifest.
   */
  @Test
  void theOwnLayerHoldsTheSealedVolumeOnceFoldersFirst() throws Exception {
    Path out = tmp.resolve("counter.tar");
    new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(TestImages.counterBase(), out,
        tmp.resolve("policy.yaml"), "counter", "python3 /code/counter.py", List.of("/code"), List.of(), List.of(), null, null, null,
        null, TestImages.runtime(), false, null, null, null, false));
    List<String> names = new ArrayList<>();
    try (ImageArchive image = ImageArchive.open(out);
         TarArchiveInputStream tar = new TarArchiveInputStream(image.uncompressed(image.layers().getLast()))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        names.add(LayerPaths.normalize(e.getName()));
      }
    }
    String volume = "confide/encrypted/encrypted-code";
    List<String> inVolume = names.stream().filter(n -> n.startsWith(volume + "/")).toList();
    assertThat(inVolume).doesNotHaveDuplicates().contains(volume + "/manifest.1", volume + "/objects")
        .anyMatch(n -> n.matches(java.util.regex.Pattern.quote(volume) + "/objects/[0-9a-f]{2}/.+"));
    for (String n : inVolume) {
      String parent = n.substring(0, n.lastIndexOf('/'));
      assertThat(names.indexOf(parent)).as(parent + " before " + n).isBetween(0, names.indexOf(n) - 1);
    }
  }

  @Test
  void theImageIsUnpackedIntoMemoryNotBesideTheOutput() throws Exception {
    List<String> steps = new ArrayList<>();
    List<String> besideOutputWhileSealing = new ArrayList<>();
    new ImageConverter(step -> {
      steps.add(step);
      if (step.startsWith("sealing")) {
        try (var work = Files.walk(tmp, 3)) {
          work.filter(p -> p.getFileName().toString().equals("rootfs")).forEach(p -> besideOutputWhileSealing.add(p.toString()));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }).convert(new ConversionRequest(TestImages.counterBase(), tmp.resolve("counter.tar"), tmp.resolve("policy.yaml"), "counter",
        "python3 /code/counter.py", List.of("/code"), List.of(), List.of(), null, null, null, null, TestImages.runtime(), false,
        null, null, null, false));
    assertThat(steps).contains("unpacking into memory (/dev/shm)").anyMatch(s -> s.startsWith("sealing /code"));
    assertThat(besideOutputWhileSealing).as("no unpacked root beside the output").isEmpty();
  }

  /**
   * An image of one layer is taken to hold its encrypted folder's files without its headers being
   * read first: the layer is written filtered as it is unpacked, or, when the folder is empty after
   * all, copied as it is.
   */
  @Test
  void anImageOfOneLayerIsFilteredOrCopiedAsItIs() throws Exception {
    for (boolean filled : List.of(true, false)) {
      Path root = Files.createDirectories(tmp.resolve("one-layer-" + filled));
      Files.createDirectories(root.resolve("usr/bin"));
      Files.setAttribute(Files.writeString(root.resolve("usr/bin/tool"), "#!/bin/sh\necho hi\n"), "unix:mode", 0755);
      Files.createDirectories(root.resolve("app"));
      if (filled) {
        Files.writeString(root.resolve("app/secret.txt"), "the plaintext of one layer");
      }
      Path base = tmp.resolve("one-layer-" + filled + ".tar");
      TestImages.dockerArchive(base, List.of(root), List.of("PATH=/usr/bin"), "/", "");
      Path out = tmp.resolve("one-layer-" + filled + "-confidential.tar");
      new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(base, out, tmp.resolve("p-" + filled + ".yaml"),
          "tool", "tool", List.of("/app"), List.of(), List.of(), null, null, null, null, TestImages.runtime(), false, null, null,
          null, false));
      try (ImageArchive in = ImageArchive.open(base); ImageArchive converted = ImageArchive.open(out)) {
        assertThat(converted.layers()).hasSize(3);
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(converted.uncompressed(converted.layers().getFirst()))) {
          for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            names.add(LayerPaths.normalize(e.getName()));
          }
        }
        assertThat(names).contains("usr/bin/tool", "app").doesNotContain("app/secret.txt");
        if (filled) {
          assertThat(rawDigest(converted, converted.layers().getFirst())).isNotEqualTo(rawDigest(in, in.layers().getFirst()));
        } else {
          assertThat(rawDigest(converted, converted.layers().getFirst())).isEqualTo(rawDigest(in, in.layers().getFirst()));
        }
        // one blob per layer in the archive: the copy made on the wrong guess is gone
        try (var blobs = new org.apache.commons.compress.archivers.tar.TarFile(out)) {
          assertThat(blobs.getEntries().stream().filter(e -> e.getName().startsWith("blobs/sha256/") && e.isFile()).count())
              .isEqualTo(5); // three layers, the configuration, the manifest
        }
      }
    }
  }

  @Test
  void anImageWithoutAccountFilesGetsEmptyOnesForTheSandboxToBindOver() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("scratch-root"));
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("usr/bin"));
    Path tool = Files.writeString(root.resolve("usr/bin/tool"), "#!/bin/sh\necho hi\n");
    Files.setAttribute(tool, "unix:mode", 0755);
    Path base = tmp.resolve("scratch.tar");
    TestImages.dockerArchive(base, List.of(root), List.of("PATH=/usr/bin"), "/", "");
    Path out = tmp.resolve("scratch-confidential.tar");
    new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(base, out, tmp.resolve("policy.yaml"), "tool",
        "tool", List.of(), List.of(), List.of(), null, null, null, null, TestImages.runtime(), false, null, null, null, false));
    List<String> added = new ArrayList<>();
    try (ImageArchive image = ImageArchive.open(out);
         TarArchiveInputStream tar = new TarArchiveInputStream(image.uncompressed(image.layers().getLast()))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.getName().startsWith("etc/")) {
          added.add(e.getName() + " " + e.getSize());
        }
      }
    }
    assertThat(added).containsExactly("etc/passwd 0", "etc/group 0");
  }

  @Test
  void theRuntimesLayerIsMadeOnceAndSharedByEveryConvertedImage() throws Exception {
    Path cache = tmp.resolve("cache");
    ImageConverter converter = new ImageConverter(ImageConverter.Progress.NONE, cache);
    Path first = tmp.resolve("first.tar");
    Path second = tmp.resolve("second.tar");
    converter.convert(new ConversionRequest(TestImages.counterBase(), first, tmp.resolve("p1.yaml"), "counter",
        "python3 /code/counter.py", List.of("/code"), List.of(), List.of(), null, null, null, null, TestImages.runtime(), false,
        null, null, null, false));
    List<Path> kept;
    try (var files = Files.list(cache)) {
      kept = files.sorted().toList();
    }
    assertThat(kept).hasSize(2).allMatch(p -> p.getFileName().toString().startsWith("runtime-"));
    var madeAt = Files.getLastModifiedTime(kept.getFirst());
    // another image (no encrypted folder, another name): the same runtime layer, not made again
    converter.convert(new ConversionRequest(TestImages.counterBase(), second, tmp.resolve("p2.yaml"), "other",
        "python3 /code/counter.py", List.of(), List.of(), List.of(), null, null, null, null, TestImages.runtime(), false,
        null, null, null, false));
    assertThat(Files.getLastModifiedTime(kept.getFirst())).isEqualTo(madeAt);
    try (ImageArchive a = ImageArchive.open(first); ImageArchive b = ImageArchive.open(second)) {
      String runtimeA = rawDigest(a, a.layers().get(a.layers().size() - 2));
      assertThat(rawDigest(b, b.layers().get(b.layers().size() - 2))).isEqualTo(runtimeA);
      assertThat(a.layers().get(a.layers().size() - 2).entry()).endsWith(runtimeA);
      // and the same bytes a conversion without a cache makes
      Path uncached = tmp.resolve("uncached.tar");
      new ImageConverter(ImageConverter.Progress.NONE).convert(new ConversionRequest(TestImages.counterBase(), uncached,
          tmp.resolve("p3.yaml"), "counter", "python3 /code/counter.py", List.of("/code"), List.of(), List.of(), null, null, null,
          null, TestImages.runtime(), false, null, null, null, false));
      try (ImageArchive c = ImageArchive.open(uncached)) {
        assertThat(rawDigest(c, c.layers().get(c.layers().size() - 2))).isEqualTo(runtimeA);
      }
    }
  }

  private static String rawDigest(ImageArchive image, ImageArchive.Layer layer) throws Exception {
    java.security.MessageDigest sha = Blob.sha256();
    try (var in = image.raw(layer)) {
      sha.update(in.readAllBytes());
    }
    return ImageConverter.hex(sha.digest());
  }
}
