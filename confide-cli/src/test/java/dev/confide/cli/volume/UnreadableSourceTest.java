package dev.confide.cli.volume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unreadable source, for real: root reads every file, so when the suite runs as root (as CI
 * does) the command runs as user {@code nobody} through {@code setpriv}, on a copy of the class
 * path that {@code nobody} can read.
 */
class UnreadableSourceTest {
  @TempDir Path tmp;
  Path classPath;
  Path src;
  Path out;

  @BeforeEach
  void setUp() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "needs root to switch to nobody; as another user the library test covers it directly");
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    classPath = tmp.resolve("cp");
    src = Files.createDirectories(tmp.resolve("src/sub"));
    Files.writeString(src.resolve("fine.txt"), "fine");
    src = tmp.resolve("src");
    out = Files.createDirectory(tmp.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  private String readableClassPath() throws IOException {
    return dev.confide.testing.ChildCli.readableClassPath(classPath);
  }

  private record Run(int code, String err) {}

  private Run sealAsNobody() throws Exception {
    return sealAsNobody(out.resolve("k"));
  }

  private Run sealAsNobody(Path keyOut) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
        java, "--enable-native-access=ALL-UNNAMED", "-cp", readableClassPath(), Main.class.getName(),
        "volume", "seal", src.toString(), out.resolve("vol").toString(), "--key-out", keyOut.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), err);
  }

  @Test
  void unreadableFileIsRefusedByNameAndNothingIsLeft() throws Exception {
    Path secret = src.resolve("sub/secret.txt");
    Files.writeString(secret, "root only");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));

    Run r = sealAsNobody();

    assertThat(r.code).as(r.err).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(r.err).isEqualTo("confide: cannot read " + secret + "; give yourself read permission on it\n");
    assertThat(out).isEmptyDirectory();
  }

  @Test
  void unreadableDirectoryIsRefusedByName() throws Exception {
    Path closed = Files.createDirectory(src.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

    Run r = sealAsNobody();

    assertThat(r.code).as(r.err).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(r.err).isEqualTo("confide: cannot read directory " + closed
        + "; give yourself read and search permission on it\n");
    assertThat(out).isEmptyDirectory();
  }

  @Test
  void aKeyGoesIntoAFolderItsOwnerMayWriteButNotList() throws Exception {
    Path keys = Files.createDirectory(out.resolve("keys"));
    Files.setAttribute(keys, "unix:uid", 65534);
    Files.setAttribute(keys, "unix:gid", 65534);
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("-wx------"));

    Run r = sealAsNobody(keys.resolve("k"));

    assertThat(r.code).as(r.err).isEqualTo(ExitCodes.OK);
    assertThat(Files.readString(keys.resolve("k"))).matches("[0-9a-f]{64}\n");
    assertThat(Files.getPosixFilePermissions(keys.resolve("k"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }
}
