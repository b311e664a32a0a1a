package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unpacking reads each layer once: the filtered copy of a layer that holds an encrypted
 * folder is written beside it (the same bytes as a pass of its own over the layer makes), a copy
 * made on a wrong guess is taken out of the archive again, and the folders it remembers between
 * entries are forgotten when a link takes a folder's place, so that no entry lands through a
 * folder that is now a link out of the root.
 */
class UnpackInOnePassTest {
  @TempDir Path tmp;

  private Path image(List<byte[]> layers) throws Exception {
    Path tar = tmp.resolve("image-" + System.nanoTime() + ".tar");
    TestImages.dockerArchiveOfLayers(tar, layers, List.of("PATH=/usr/bin"), "/", "0");
    return tar;
  }

  private static byte[] layer(Blob.Content content) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    content.write(bytes);
    return bytes.toByteArray();
  }

  private static List<String> names(byte[] layer) throws Exception {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(layer))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(LayerPaths.normalize(e.getName()));
      }
    }
    return names;
  }

  @Test
  void theCopyWrittenBesideTheUnpackingIsTheOneAPassOfItsOwnMakes() throws Exception {
    byte[] withApp = layer(out -> {
      try (LayerWriter w = new LayerWriter(out)) {
        w.directory("/usr", 0755);
        w.directory("/usr/bin", 0755);
        w.file("/usr/bin/tool", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755);
        w.directory("/app", 0755);
        w.file("/app/secret.txt", "the plaintext".getBytes(StandardCharsets.UTF_8), 0600);
        w.file("/usr/share-" + "x".repeat(120), new byte[70_000], 0644); // a long name: a PAX header
        w.symlink("/usr/bin/link", "tool");
      }
    });
    byte[] without = layer(out -> {
      try (LayerWriter w = new LayerWriter(out)) {
        w.directory("/etc", 0755);
        w.file("/etc/passwd", "root:x:0:0::/:/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0644);
      }
    });
    Path tar = image(List.of(without, withApp));
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));
    try (ImageArchive in = ImageArchive.open(tar); OciArchive archive = OciArchive.open(work)) {
      assertThat(in.entryNames(in.layers().get(1))).contains("app/secret.txt");
      assertThat(in.entryNames(in.layers().get(0))).doesNotContain("app/secret.txt");
      // both layers guessed to hold /app: the guess on the first is taken back
      List<RootFs.LayerFacts> facts = RootFs.unpack(in, rootfs, List.of("app"), RootFs.Progress.NONE, null, archive, n -> true);
      assertThat(facts.get(0).holdsEncrypted()).isFalse();
      assertThat(facts.get(0).filtered()).as("a copy of a layer that held nothing to filter is dropped").isNull();
      assertThat(facts.get(1).holdsEncrypted()).isTrue();
      Blob beside = facts.get(1).filtered();
      ByteArrayOutputStream ownPass = new ByteArrayOutputStream();
      FilteredLayer.copy(in.uncompressed(in.layers().get(1)), List.of("app"), ownPass);
      assertThat(beside.digest()).isEqualTo(Blob.of(ownPass.toByteArray()).digest());
      assertThat(names(ownPass.toByteArray())).contains("usr/bin/tool", "usr/bin/link").noneMatch(n -> n.startsWith("app/"));
      // the archive holds the kept copy and nothing of the dropped one
      archive.blob(Blob.of("{}".getBytes(StandardCharsets.UTF_8)));
      Blob config = Blob.of("{}".getBytes(StandardCharsets.UTF_8));
      archive.finish(tmp.resolve("out.tar"), "x", config, config, List.of(beside), false);
    }
    assertThat(Files.readString(rootfs.resolve("app/secret.txt"))).isEqualTo("the plaintext");
    assertThat(Files.readString(rootfs.resolve("etc/passwd"))).startsWith("root:");
    List<String> stored = new ArrayList<>();
    try (TarArchiveInputStream out = new TarArchiveInputStream(Files.newInputStream(tmp.resolve("out.tar")))) {
      for (TarArchiveEntry e; (e = out.getNextEntry()) != null; ) {
        if (e.isFile() && e.getName().startsWith("blobs/")) {
          stored.add(e.getName());
        }
      }
    }
    assertThat(stored).hasSize(2); // the filtered layer and {}
  }

  @Test
  void aFolderThatBecomesALinkIsResolvedAgainInsideTheRoot() throws Exception {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    byte[] first = layer(out -> {
      try (LayerWriter w = new LayerWriter(out)) {
        w.directory("/data", 0755);
        w.file("/data/one", new byte[] {1}, 0644);
        // the folder just used goes, and a link to an absolute path takes its place
        w.symlink("/data", outside.toString());
        w.file("/data/two", new byte[] {2}, 0644);
      }
    });
    byte[] second = layer(out -> {
      try (LayerWriter w = new LayerWriter(out)) {
        w.file("/data/three", new byte[] {3}, 0644);
      }
    });
    Path tar = image(List.of(first, second));
    Path rootfs = Files.createDirectory(tmp.resolve("rootfs"));
    try (ImageArchive in = ImageArchive.open(tar)) {
      RootFs.unpack(in, rootfs, List.of(), RootFs.Progress.NONE);
    }
    assertThat(Files.isSymbolicLink(rootfs.resolve("data"))).isTrue();
    Path inside = rootfs.resolve(outside.toString().substring(1));
    assertThat(inside.resolve("two")).hasBinaryContent(new byte[] {2});
    assertThat(inside.resolve("three")).hasBinaryContent(new byte[] {3});
    try (var left = Files.list(outside)) {
      assertThat(left).as("nothing lands outside the root").isEmpty();
    }
    assertThat(Files.exists(rootfs.resolve("data").resolve("one"), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }
}
