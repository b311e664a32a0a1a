package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authenticated trees: any changed, added or missing file is refused, naming it. */
class TreeTest {
  @TempDir Path tmp;
  Path tree;
  Path manifest;
  SymmetricKey key;
  Tag tag;

  @BeforeEach
  void authenticate() throws IOException {
    tree = Trees.sample(tmp.resolve("usr"));
    manifest = tree.resolve(TreeAuthenticator.DEFAULT_MANIFEST);
    key = SymmetricKey.generate();
    tag = TreeAuthenticator.authenticate(tree, key, manifest);
  }

  private void assertRefused(Failure failure, String message) {
    assertThatThrownBy(() -> TreeVerifier.load(tree, key, tag, manifest).verifyAll(manifest))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(failure);
          assertThat(e.getMessage()).isEqualTo(message);
        });
  }

  @Test
  void untouchedTreeVerifies() {
    TreeVerifier.Summary s = TreeVerifier.load(tree, key, tag, manifest).verifyAll(manifest);
    assertThat(s.files()).isEqualTo(7);
    assertThat(s.bytes()).isEqualTo(6 + 300_000 + (64 * 1024 - 56) + 4 + 18 + 10);
  }

  @Test
  void aManifestNamedByABareFileNameIsWrittenInTheWorkingDirectory() throws IOException {
    // as a command run in a JVM of its own gets '--manifest usr.tree': a path without a parent
    Path bare = Path.of("tree-test-" + java.util.UUID.randomUUID() + ".tree");
    Files.delete(manifest); // the tree as it was before any manifest
    try {
      Tag written = TreeAuthenticator.authenticate(tree, key, bare);
      assertThat(TreeVerifier.load(tree, key, written, bare).verifyAll(bare).files()).isEqualTo(7);
    } finally {
      Files.deleteIfExists(bare);
    }
  }

  @Test
  void changedByteIsRefusedNamingTheChunk() throws IOException {
    Trees.flipByte(tree.resolve("data/big.bin"), 200_000);
    assertRefused(Failure.INTEGRITY,
        "tree " + tree + ": /data/big.bin: chunk 3 (bytes 196608 to 262143) does not match — the file was modified");
  }

  @Test
  void addedFileIsRefused() throws IOException {
    Files.writeString(tree.resolve("data/evil.so"), "x");
    assertRefused(Failure.INTEGRITY, "tree " + tree + ": /data/evil.so is not in the manifest (a file was added)");
  }

  @Test
  void removedFileIsRefused() throws IOException {
    Files.delete(tree.resolve("bin/run.sh"));
    assertRefused(Failure.INTEGRITY, "tree " + tree + ": /bin/run.sh is listed in the manifest but missing (deleted)");
  }

  @Test
  void changedModeIsRefused() throws IOException {
    Files.setAttribute(tree.resolve("bin/run.sh"), "unix:mode", 04755);
    assertRefused(Failure.INTEGRITY, "tree " + tree + ": /bin/run.sh: mode 4755 where the manifest has 0755");
  }

  @Test
  void replacedLinkTargetIsRefused() throws IOException {
    Files.delete(tree.resolve("latest"));
    Files.createSymbolicLink(tree.resolve("latest"), Path.of("/etc/shadow"));
    assertRefused(Failure.INTEGRITY, "tree " + tree + ": /latest: link target changed");
  }

  @Test
  void severalProblemsAreCounted() throws IOException {
    Files.writeString(tree.resolve("README"), "HELLO\n");
    Files.delete(tree.resolve("empty"));
    assertRefused(Failure.INTEGRITY,
        "tree " + tree + ": /README: chunk 0 (bytes 0 to 5) does not match — the file was modified (and 1 more problems)");
  }

  @Test
  void wrongTagAndWrongKeyAreRefused() throws IOException {
    Tag wrong = Tag.of(new byte[] {1});
    assertThatThrownBy(() -> TreeVerifier.load(tree, key, wrong, manifest))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
          assertThat(e.getMessage()).isEqualTo("tree manifest " + manifest + " has tag " + tag + ", expected " + wrong);
        });
    assertThatThrownBy(() -> TreeVerifier.load(tree, SymmetricKey.generate(), tag, manifest))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.DENIED);
          assertThat(e.getMessage()).isEqualTo(manifest + ": MAC check failed — the key does not belong to this tree");
        });
  }

  @Test
  void deletedManifestIsRefused() throws IOException {
    Files.delete(manifest);
    assertThatThrownBy(() -> TreeVerifier.load(tree, key, tag, manifest))
        .isInstanceOfSatisfying(VolumeException.class,
            e -> assertThat(e.getMessage()).isEqualTo("tree manifest " + manifest + " is missing"));
  }

  @Test
  void partialReadVerifiesOnlyTheChunksItCovers() throws IOException {
    byte[] original = Files.readAllBytes(tree.resolve("data/big.bin"));
    TreeVerifier v = TreeVerifier.load(tree, key, tag, manifest);
    // Damage chunk 4; a read inside chunks 0-1 still succeeds and returns the right bytes.
    Trees.flipByte(tree.resolve("data/big.bin"), 4 * 65536 + 7);
    byte[] part = v.readVerified("data/big.bin", 60_000, 10_000);
    assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(original, 60_000, 70_000));
    assertThatThrownBy(() -> v.readVerified("data/big.bin", 270_000, 100))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.getMessage())
            .isEqualTo("/data/big.bin: chunk 4 (bytes 262144 to 299999) does not match — the file was modified"));
    assertThatThrownBy(() -> v.readVerified("data/not-listed", 0, 0))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.getMessage())
            .isEqualTo("/data/not-listed is not a file of the authenticated tree"));
  }

  @Test
  void manifestOutsideTheTreeWorksToo() throws IOException {
    Path tree2 = Trees.sample(tmp.resolve("usr2"));
    Path outside = tmp.resolve("fs.fspf");
    Tag t = TreeAuthenticator.authenticate(tree2, key, outside);
    assertThat(TreeVerifier.load(tree2, key, t, outside).verifyAll(outside).files()).isEqualTo(7);
    assertThatThrownBy(() -> TreeAuthenticator.authenticate(tree2, key, outside))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.failure()).isEqualTo(Failure.CANNOT_CREATE));
  }
}
