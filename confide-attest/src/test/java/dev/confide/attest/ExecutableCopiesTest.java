package dev.confide.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measured copies kept between runs: the second run links the first run's copy (same inode, same
 * measurement); a kept copy changed in between is not used; a folder that is not private is not used.
 */
class ExecutableCopiesTest {
  @TempDir Path tmp;

  private Measurer.Copied measure(ExecutableCopies copies, String run) throws Exception {
    // /usr/bin/sh's target is older than a second: a copy of it may be kept
    return new Measurer("a".repeat(64), FileDigests.inMemory(), copies).measureCopy(List.of("sh"), "/usr/bin:/bin", List.of(),
        tmp.resolve(run).resolve("executable"));
  }

  private static Object ino(Path p) throws Exception {
    return Files.getAttribute(p, "unix:ino");
  }

  @Test
  void aSecondRunStartsTheFirstRunsCopy() throws Exception {
    ExecutableCopies copies = ExecutableCopies.in(tmp).orElseThrow();
    Path dir = tmp.resolve("confide-executables-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    Measurer.Copied first = measure(copies, "run1");
    Measurer.Copied second = measure(copies, "run2");
    Measurer.Copied plain = measure(null, "run3");
    assertThat(second.measurement()).isEqualTo(first.measurement()).isEqualTo(plain.measurement());
    assertThat(first.measurement().executableDigest()).isEqualTo(Hashes.file(Path.of("/bin/sh").toRealPath()));
    assertThat(first.copy()).isEqualTo(second.copy()).startsWith(dir);
    assertThat(tmp.resolve("run2/executable")).doesNotExist();
    assertThat(plain.copy()).isEqualTo(tmp.resolve("run3/executable"));
    assertThat(Hashes.file(second.copy())).isEqualTo(second.measurement().executableDigest());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second.copy()))).isEqualTo("r-x------");
  }

  @Test
  void aKeptCopyChangedBetweenRunsIsMadeAgain() throws Exception {
    ExecutableCopies copies = ExecutableCopies.in(tmp).orElseThrow();
    Measurer.Copied first = measure(copies, "run1");
    Path kept = first.copy();
    // the host's account writes into the kept copy, keeping its size and putting its modification time back
    var mtime = Files.getLastModifiedTime(kept);
    Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rwx------"));
    byte[] bytes = Files.readAllBytes(kept);
    bytes[100] ^= 1;
    Files.write(kept, bytes);
    Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("r-x------"));
    Files.setLastModifiedTime(kept, mtime);
    Measurer.Copied second = measure(copies, "run2");
    assertThat(second.measurement()).isEqualTo(first.measurement());
    assertThat(Hashes.file(second.copy())).isEqualTo(first.measurement().executableDigest());
  }

  @Test
  void aFolderThatIsNotPrivateIsNotUsed() throws Exception {
    Path dir = tmp.resolve("confide-executables-" + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    Files.createDirectory(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(ExecutableCopies.in(tmp)).isEmpty();
    Files.delete(dir);
    Files.createSymbolicLink(dir, Files.createDirectory(tmp.resolve("elsewhere")));
    assertThat(ExecutableCopies.in(tmp)).isEmpty();
  }
}
