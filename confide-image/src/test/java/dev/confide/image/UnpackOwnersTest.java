package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owners, groups and modes come out as the layers say, although what is made new is not given
 * root's owner and group again: a set-group-ID folder's children keep the group their entry names,
 * a folder's mode is exact (also one without the owner's rights, filled before it was set), and an
 * entry replaces a file, a folder or a link of the same name.
 */
class UnpackOwnersTest {
  @TempDir Path tmp;

  private Path unpack(List<byte[]> layers) throws Exception {
    Path image = tmp.resolve("image.tar");
    TestImages.dockerArchiveOfLayers(image, layers, List.of("PATH=/usr/bin"), "/", "");
    Path root = Files.createDirectory(tmp.resolve("root"));
    try (ImageArchive in = ImageArchive.open(image)) {
      RootFs.unpack(in, root, List.of(), RootFs.Progress.NONE);
    }
    return root;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int attribute(Path p, String name) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void ownersGroupsAndModesAreTheEntries() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "only root can give files to others");
    Path root = unpack(List.of(
        new TestLayer()
            .dir("var", 0755, 0, 0)
            .dir("var/mail", 02775, 0, 8) // set-group-ID: what is made in it takes group 8
            .file("var/mail/root-file", 0644, 0, 0, bytes("var/mail/root-file"))
            .file("var/mail/mail-file", 0660, 0, 8, bytes("var/mail/mail-file"))
            .dir("var/mail/sub", 0755, 0, 0)
            .link("var/mail/link", "root-file", TarConstants.LF_SYMLINK)
            .dir("home", 0755, 0, 0)
            .dir("home/user", 0700, 1000, 1000)
            .file("home/user/own", 0600, 1000, 1000, bytes("home/user/own"))
            .dir("locked", 0555, 0, 0)
            .file("locked/inside", 0444, 0, 0, bytes("locked/inside"))
            .file("became-dir", 0644, 0, 0, bytes("became-dir"))
            .dir("became-file", 0755, 0, 0)
            .file("became-file/child", 0644, 0, 0, bytes("became-file/child"))
            .link("became-link", "var", TarConstants.LF_SYMLINK)
            .done(),
        new TestLayer()
            .dir("became-dir", 0750, 0, 0)
            .file("became-file", 0640, 5, 6, bytes("became-file"))
            .dir("became-link", 0711, 0, 0)
            .dir("var/mail", 02775, 0, 8) // again, as a later layer may name it
            .done()));

    assertThat(attribute(root.resolve("var/mail"), "gid")).isEqualTo(8);
    assertThat(attribute(root.resolve("var/mail"), "mode") & 07777).isEqualTo(02775);
    assertThat(attribute(root.resolve("var/mail/root-file"), "gid")).isZero();
    assertThat(attribute(root.resolve("var/mail/mail-file"), "gid")).isEqualTo(8);
    assertThat(attribute(root.resolve("var/mail/sub"), "gid")).isZero();
    assertThat(attribute(root.resolve("var/mail/link"), "gid")).isZero();
    assertThat(attribute(root.resolve("home/user"), "uid")).isEqualTo(1000);
    assertThat(attribute(root.resolve("home/user"), "gid")).isEqualTo(1000);
    assertThat(attribute(root.resolve("home/user"), "mode") & 07777).isEqualTo(0700);
    assertThat(attribute(root.resolve("home/user/own"), "uid")).isEqualTo(1000);
    assertThat(attribute(root.resolve("home/user/own"), "mode") & 07777).isEqualTo(0600);
    assertThat(attribute(root.resolve("locked"), "mode") & 07777).isEqualTo(0555);
    assertThat(root.resolve("locked/inside")).hasContent("locked/inside");
    assertThat(attribute(root.resolve("var"), "mode") & 07777).isEqualTo(0755);

    assertThat(root.resolve("became-dir")).isDirectory();
    assertThat(attribute(root.resolve("became-dir"), "mode") & 07777).isEqualTo(0750);
    assertThat(root.resolve("became-file")).isRegularFile().hasContent("became-file");
    assertThat(attribute(root.resolve("became-file"), "uid")).isEqualTo(5);
    assertThat(attribute(root.resolve("became-file"), "gid")).isEqualTo(6);
    assertThat(Files.isSymbolicLink(root.resolve("became-link"))).isFalse();
    assertThat(root.resolve("became-link")).isDirectory();
    assertThat(attribute(root.resolve("became-link"), "mode") & 07777).isEqualTo(0711);
  }

  @Test
  void aFolderWithoutItsOwnersRightsIsFilledAndEndsWithItsMode() throws Exception {
    Path root = unpack(List.of(new TestLayer().dir("ro", 0500, 0, 0).dir("ro/deeper", 0300, 0, 0)
        .file("ro/deeper/f", 0400, 0, 0, bytes("ro/deeper/f")).dir("open", 0755, 0, 0).done()));
    assertThat(attribute(root.resolve("ro"), "mode") & 07777).isEqualTo(0500);
    assertThat(attribute(root.resolve("ro/deeper"), "mode") & 07777).isEqualTo(0300);
    assertThat(attribute(root.resolve("open"), "mode") & 07777).isEqualTo(0755);
    Files.setAttribute(root.resolve("ro"), "unix:mode", 0700);
    Files.setAttribute(root.resolve("ro/deeper"), "unix:mode", 0700);
    assertThat(root.resolve("ro/deeper/f")).hasContent("ro/deeper/f");
  }
}
