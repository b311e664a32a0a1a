package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.volume.SymmetricKey;
import dev.confide.volume.TreeAuthenticator;
import dev.confide.volume.TreeBuilder;
import dev.confide.volume.VolumeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authenticated folders of an image, hashed as its layers stream by (nothing of them written
 * but what the conversion reads), give byte for byte the manifest a walk of the fully unpacked
 * image gives: layers that replace, white out, make opaque, hard-link and leave parents implicit.
 */
class StreamedTreeTest {
  @TempDir Path tmp;

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private Path image(List<byte[]> layers) throws Exception {
    Path tar = tmp.resolve("image.tar");
    TestImages.dockerArchiveOfLayers(tar, layers, List.of("PATH=/usr/bin"), "/", "");
    return tar;
  }

  private List<byte[]> layers(String outsideHardLink) throws Exception {
    TestLayer base = new TestLayer().dir("usr", 0755).dir("usr/bin", 0755).dir("usr/lib", 0755).dir("usr/share", 0755)
        .dir("usr/share/doc", 0755).dir("usr/share/gone", 0700).dir("etc", 0755)
        .file("usr/bin/tool", 0755, "#!/bin/sh\necho tool\n")
        .file("usr/lib/a.txt", 0644, "first version")
        .file("usr/lib/big.bin", 0640, random(200_000, 1))
        .file("usr/lib/chunk.bin", 0644, random(65_536, 2))
        .file("usr/lib/empty", 0600, new byte[0])
        .file("usr/lib/\u00e9t\u00e9.txt", 0644, "accents sort by their bytes")
        .file("usr/lib/Zed", 0644, "upper case sorts first")
        .link("usr/lib/a-link", "a.txt", TarConstants.LF_SYMLINK)
        // a folder's entries come before a sibling whose name continues its own with a byte below '/'
        .dir("usr/lib/sub.d", 0755).file("usr/lib/sub.d/y", 0644, "after sub-file")
        .file("usr/lib/sub-file", 0644, "after sub/x")
        .dir("usr/lib/sub", 0755).file("usr/lib/sub/x", 0644, "before sub-file")
        .file("usr/share/doc/old.txt", 0644, "whited out later")
        .file("usr/share/gone/x", 0644, "under an opaque folder later")
        .file("usr/share/setuid", 04755, "kept with its mode")
        .file("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n")
        .file("opt/outside.txt", 0644, "not authenticated");
    TestLayer next = new TestLayer()
        .file("usr/lib/a.txt", 0644, "second version, longer than the first")
        .file("usr/share/doc/.wh.old.txt", 0644, new byte[0])
        .file("usr/share/gone/.wh..wh..opq", 0644, new byte[0])
        .file("usr/share/gone/y", 0644, "the opaque folder's new file")
        .link("usr/lib/hard", "usr/lib/big.bin", TarConstants.LF_LINK)
        // parents no entry makes: the engine makes them 0755
        .file("usr/local/implicit/deep/f", 0644, "implicit parents")
        .dir("usr/bin", 0711);
    if (outsideHardLink != null) {
      next.link(outsideHardLink, "usr/lib/big.bin", TarConstants.LF_LINK);
    }
    return List.of(base.done(), next.done());
  }

  @Test
  void theStreamedTreeIsTheWalkedOneAndItsFilesAreNotWritten() throws Exception {
    Path tar = image(layers(null));
    SymmetricKey key = SymmetricKey.generate();
    List<String> regions = List.of("usr");

    Path whole = Files.createDirectory(tmp.resolve("whole"));
    try (ImageArchive in = ImageArchive.open(tar)) {
      RootFs.unpack(in, whole, List.of(), RootFs.Progress.NONE);
    }
    byte[] walked = Files.readAllBytes(walkedManifest(whole, regions, key));

    Path streamed = Files.createDirectory(tmp.resolve("streamed"));
    TreeBuilder tree = new TreeBuilder();
    try (ImageArchive in = ImageArchive.open(tar)) {
      RootFs.unpack(in, streamed, List.of(), RootFs.Progress.NONE,
          new RootFs.Authenticating(tree, regions, List.of(), Set.of("etc/passwd", "etc/group")), null, n -> false);
    }
    Path manifest = tmp.resolve("streamed.tree");
    tree.write(regions, key, manifest);
    assertThat(Files.readAllBytes(manifest)).isEqualTo(walked);

    // on disk: what the conversion reads, and nothing else of /usr's files
    assertThat(streamed.resolve("usr/bin/tool")).isRegularFile();
    assertThat(streamed.resolve("usr/share/setuid")).isRegularFile();
    assertThat(streamed.resolve("etc/passwd")).hasContent("root:x:0:0:root:/root:/bin/sh");
    assertThat(streamed.resolve("opt/outside.txt")).isRegularFile();
    assertThat(Files.isSymbolicLink(streamed.resolve("usr/lib/a-link"))).isTrue();
    for (String notWritten : List.of("usr/lib/a.txt", "usr/lib/big.bin", "usr/lib/hard", "usr/lib/empty", "usr/share/gone/y",
        "usr/local/implicit/deep/f")) {
      assertThat(Files.exists(streamed.resolve(notWritten), LinkOption.NOFOLLOW_LINKS)).as(notWritten).isFalse();
    }
    assertThat(streamed.resolve("usr/local/implicit/deep")).isDirectory();
  }

  @Test
  void aChangedLayerGivesAnotherTree() throws Exception {
    SymmetricKey key = SymmetricKey.generate();
    List<String> regions = List.of("usr");
    TreeBuilder a = new TreeBuilder();
    TreeBuilder b = new TreeBuilder();
    for (TreeBuilder t : List.of(a, b)) {
      t.directory("usr", 0755);
      t.file("usr/f", 0644, new java.io.ByteArrayInputStream("same".getBytes(StandardCharsets.UTF_8)));
    }
    b.file("usr/f", 0600, new java.io.ByteArrayInputStream("same".getBytes(StandardCharsets.UTF_8)));
    assertThat(a.write(regions, key, tmp.resolve("a"))).isNotEqualTo(b.write(regions, key, tmp.resolve("b")));
  }

  @Test
  void aHardLinkFromOutsideToAnUnwrittenFileAsksForTheWholeUnpack() throws Exception {
    Path tar = image(layers("opt/hard-from-outside"));
    Path streamed = Files.createDirectory(tmp.resolve("streamed"));
    try (ImageArchive in = ImageArchive.open(tar)) {
      assertThatThrownBy(() -> RootFs.unpack(in, streamed, List.of(), RootFs.Progress.NONE,
          new RootFs.Authenticating(new TreeBuilder(), List.of("usr"), List.of(), Set.of()), null, n -> false))
          .isInstanceOf(RootFs.WholeUnpackNeeded.class).hasMessageContaining("opt/hard-from-outside");
    }
  }

  @Test
  void aRegionThatIsALinkIsRefusedAndOneThatIsMissingLeftOut() throws Exception {
    SymmetricKey key = SymmetricKey.generate();
    TreeBuilder t = new TreeBuilder();
    t.link("app", "usr");
    t.directory("usr", 0755);
    assertThatThrownBy(() -> t.write(List.of("app"), key, tmp.resolve("m"))).isInstanceOf(VolumeException.class)
        .hasMessageContaining("app is a link, where the tree has a directory");
    assertThatThrownBy(() -> t.write(List.of("srv"), key, tmp.resolve("m"))).isInstanceOf(VolumeException.class)
        .hasMessageContaining("none of [srv] exists");
    t.write(List.of("srv", "usr"), key, tmp.resolve("m"));
    assertThat(tmp.resolve("m")).exists();
  }

  private Path walkedManifest(Path dir, List<String> regions, SymmetricKey key) {
    Path m = tmp.resolve("walked.tree");
    TreeAuthenticator.authenticate(dir, regions, key, m, dev.confide.volume.Progress.NONE);
    return m;
  }
}
