package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree that covers some folders of a directory (a converted image's /usr and /opt/app, with
 * the manifest at the image's root): those folders are checked as a whole tree is; the rest is not.
 */
class TreeRegionsTest {
  @TempDir Path root;
  Path manifest;
  SymmetricKey key;
  Tag tag;

  @BeforeEach
  void authenticate() throws IOException {
    Trees.sample(root.resolve("usr"));
    Files.createDirectories(root.resolve("opt/app"));
    Files.writeString(root.resolve("opt/app/main.py"), "print('hi')\n");
    Files.writeString(root.resolve("opt/other.txt"), "not covered");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/hostname"), "not covered");
    manifest = root.resolve(TreeAuthenticator.DEFAULT_MANIFEST);
    key = SymmetricKey.generate();
    tag = TreeAuthenticator.authenticate(root, List.of("usr", "opt/app"), key, manifest, Progress.NONE);
  }

  private TreeVerifier.Summary verify() {
    return TreeVerifier.load(root, key, tag, manifest).verifyAll(manifest);
  }

  private void assertRefused(String message) {
    assertThatThrownBy(this::verify).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).isEqualTo(message);
    });
  }

  @Test
  void theRegionsVerifyAndWhatLiesOutsideThemIsNotCovered() throws IOException {
    assertThat(verify().files()).isEqualTo(8);
    Files.writeString(root.resolve("etc/hostname"), "changed");
    Files.writeString(root.resolve("opt/added.txt"), "added beside the region");
    assertThat(verify().files()).isEqualTo(8);
  }

  @Test
  void aFileAddedInARegionIsRefused() throws IOException {
    Files.writeString(root.resolve("opt/app/evil.py"), "x");
    assertRefused("tree " + root + ": /opt/app/evil.py is not in the manifest (a file was added)");
  }

  @Test
  void aChangedFileInARegionIsRefused() throws IOException {
    Files.writeString(root.resolve("opt/app/main.py"), "print('HI')\n");
    assertRefused("tree " + root + ": /opt/app/main.py: chunk 0 (bytes 0 to 11) does not match — the file was modified");
  }

  @Test
  void aRegionDeletedIsRefusedAsMissing() throws IOException {
    Files.delete(root.resolve("opt/app/main.py"));
    Files.delete(root.resolve("opt/app"));
    assertRefused("tree " + root + ": /opt/app is listed in the manifest but missing (deleted) (and 1 more problems)");
  }

  @Test
  void aRegionsAncestorSwappedForALinkIsRefused() throws IOException {
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    Files.move(root.resolve("opt"), elsewhere.resolve("opt"));
    Files.createSymbolicLink(root.resolve("opt"), elsewhere.resolve("opt"));
    assertRefused("opt is a link, where the tree has a directory");
  }

  @Test
  void regionsInsideEachOtherOrNotNormalAreRefused() {
    assertThatThrownBy(() -> TreeAuthenticator.authenticate(root, List.of("usr", "usr/bin"), key, root.resolve("m2"),
        Progress.NONE)).hasMessage("region 'usr/bin' lies inside region 'usr'");
    assertThatThrownBy(() -> TreeAuthenticator.authenticate(root, List.of("usr/../etc"), key, root.resolve("m2"),
        Progress.NONE)).hasMessage("region 'usr/../etc' is not a relative, normalized path");
  }

  @Test
  void aWholeTreeManifestHasTheOneRegionOfTheWholeTree() {
    Path usr = root.resolve("usr");
    Path whole = root.resolve("whole.tree");
    Tag t = TreeAuthenticator.authenticate(usr, key, whole);
    assertThat(TreeVerifier.load(usr, key, t, whole).verifyAll(whole).files()).isEqualTo(7);
  }
}
