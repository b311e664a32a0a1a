package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image's links are followed inside its unpacked root, never out of it. */
class ChrootPathsTest {
  @TempDir Path root;

  @Test
  void absoluteAndParentLinksStayInsideTheRoot() throws Exception {
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
    Files.createSymbolicLink(root.resolve("escape"), Path.of("/etc"));
    Files.createSymbolicLink(root.resolve("usr/bin/up"), Path.of("../../../../.."));
    assertThat(ChrootPaths.resolve(root, "/bin/python3", true)).isEqualTo(root.resolve("usr/bin/python3"));
    assertThat(ChrootPaths.resolve(root, "/escape/passwd", true)).isEqualTo(root.resolve("etc/passwd"));
    assertThat(ChrootPaths.resolve(root, "/usr/bin/up/etc/shadow", true)).isEqualTo(root.resolve("etc/shadow"));
    assertThat(ChrootPaths.resolve(root, "/escape", false)).isEqualTo(root.resolve("escape"));
  }
}
