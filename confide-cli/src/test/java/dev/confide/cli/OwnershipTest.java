package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confide's own files are the user's and owner-only, whatever the umask; a file or folder another
 * user controls is not taken for one's own.
 */
class OwnershipTest {
  @TempDir Path tmp;

  private static boolean root() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** {@code confide ARGS} in a JVM of its own under umask 000. */
  private String underUmask000(String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    StringBuilder command = new StringBuilder("umask 000; exec \"$0\" -cp \"$1\" " + Main.class.getName());
    for (String a : args) {
      command.append(" '").append(a).append("'");
    }
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", command.toString(), java, classPath).redirectErrorStream(true);
    pb.environment().put("CONFIDE_CONFIG_DIR", tmp.resolve("config").toString());
    pb.environment().put("CONFIDE_DATA_DIR", tmp.resolve("data").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void aVolumeSealedUnderUmask000IsOwnerOnly() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "a");
    Files.write(src.resolve("big.bin"), new byte[300_000]);
    underUmask000("volume", "seal", src.toString(), tmp.resolve("vol").toString(), "--key-out", tmp.resolve("vol.key").toString());
    List<Path> all;
    try (Stream<Path> walk = Files.walk(tmp.resolve("vol"))) {
      all = walk.toList();
    }
    assertThat(all).extracting(p -> p.getFileName().toString()).contains("VOLUME", "LOCK", "manifest.1", "objects");
    for (Path p : all) {
      assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).doesNotContain(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("vol.key")))).isEqualTo("rw-------");
  }

  @Test
  void anotherUsersLockFileIsRefusedAndALooseOneOfOursIsClosed() throws Exception {
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "a");
    CliRun sealed = CliRun.of(dirs, "volume", "seal", src.toString(), tmp.resolve("vol").toString(), "--key-out",
        tmp.resolve("vol.key").toString(), "--json");
    String tag = sealed.json().get("tag").asText();
    Path lock = tmp.resolve("vol/LOCK");
    Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(src.resolve("b.txt"), "b");
    CliRun updated = CliRun.of(dirs, "volume", "update", tmp.resolve("vol").toString(), src.toString(), "--key-file",
        tmp.resolve("vol.key").toString(), "--tag", tag, "--json");
    assertThat(updated.code()).as(updated.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock))).isEqualTo("rw-------");
    if (root()) {
      // another user's lock file (who could hold a lock on it for ever): refused, named
      assertThat(new ProcessBuilder("chown", "65534", lock.toString()).start().waitFor()).isZero();
      CliRun refused = CliRun.of(dirs, "volume", "update", tmp.resolve("vol").toString(), src.toString(), "--key-file",
          tmp.resolve("vol.key").toString(), "--tag", updated.json().get("tag").asText());
      assertThat(refused.code()).isEqualTo(ExitCodes.DENIED);
      assertThat(refused.err()).contains(lock + " belongs to nobody, not to you");
    }
  }

  @Test
  void anOutputFolderEveryoneMayWriteOrAnotherUserOwnsIsRefusedBeforeTheRun() throws Exception {
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(inputs.resolve("main.py"), "print('hi')\n");
    Path open = Files.createDirectories(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    CliRun refused = CliRun.of(dirs, "run", "--application", "python", "--inputs", inputs.toString(), "--outputs", open.toString());
    assertThat(refused.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(refused.err()).contains("outputs directory " + open + " may be written by every user");
    assertThat(dirs.data().resolve("embedded-cas")).as("refused before anything was set up").doesNotExist();
    // volume open into such a folder too
    if (root()) {
      Path foreign = Files.createDirectories(tmp.resolve("foreign"));
      assertThat(new ProcessBuilder("chown", "65534", foreign.toString()).start().waitFor()).isZero();
      CliRun notMine = CliRun.of(dirs, "run", "--application", "python", "--inputs", inputs.toString(), "--outputs", foreign.toString());
      assertThat(notMine.code()).isEqualTo(ExitCodes.DENIED);
      assertThat(notMine.err()).contains("outputs directory " + foreign + " belongs to nobody, not to you");
    }
  }

  @Test
  void pinsAndKeyFilesOfAnotherUserAreNotTakenForOnesOwn() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(root(), "needs root to make another user's files");
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    Files.createDirectories(dirs.config());
    // another user's private pins file, and a link to it where ours would be
    Path theirs = Files.writeString(tmp.resolve("their-cas.toml"), "[cas.main]\nurl = \"https://127.0.0.1:1\"\nfingerprint = \"SHA256:x\"\n");
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rw-------"));
    assertThat(new ProcessBuilder("chown", "65534", theirs.toString()).start().waitFor()).isZero();
    Files.createSymbolicLink(dirs.config().resolve("cas.toml"), theirs);
    CliRun pins = CliRun.of(dirs, "session", "show", "x");
    assertThat(pins.code()).as(pins.err()).isEqualTo(ExitCodes.DENIED);
    assertThat(pins.err()).contains("cas.toml belongs to nobody, not to you");
    // another user's key file
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a.txt"), "a");
    CliRun sealed = CliRun.of(dirs, "volume", "seal", src.toString(), tmp.resolve("vol").toString(), "--key-out",
        tmp.resolve("vol.key").toString(), "--json");
    assertThat(new ProcessBuilder("chown", "65534", tmp.resolve("vol.key").toString()).start().waitFor()).isZero();
    CliRun key = CliRun.of(dirs, "volume", "verify", tmp.resolve("vol").toString(), "--key-file", tmp.resolve("vol.key").toString());
    assertThat(key.code()).isEqualTo(ExitCodes.DENIED);
    assertThat(key.err()).contains("key file " + tmp.resolve("vol.key") + " belongs to nobody, not to you");
  }
}
