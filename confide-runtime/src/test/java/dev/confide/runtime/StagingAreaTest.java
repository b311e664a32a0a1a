package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Private memory-backed directories: 0700, wiped on close, and swept once their owner is gone. */
class StagingAreaTest {
  Path memory;

  @BeforeEach
  void memory() throws Exception {
    memory = Files.createTempDirectory(Path.of("/dev/shm"), "staging-test-");
  }

  @AfterEach
  void removeMemory() throws Exception {
    dev.confide.volume.FileTrees.delete(memory, false);
  }

  @Test
  void aStagingAreaIsPrivateAndWipedOnClose() throws Exception {
    StagingArea area = StagingArea.create(memory);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(area.dir()))).isEqualTo("rwx------");
    Files.createDirectories(area.volume("V1"));
    Files.writeString(area.volume("V1").resolve("num"), "41");
    area.close();
    assertThat(area.dir()).doesNotExist();
    area.close();
  }

  @Test
  void aDirectoryIsSweptOnlyOnceNoProcessHoldsItsLock() throws Exception {
    Path left = Files.createDirectory(memory.resolve("confide-run-left"));
    Files.writeString(left.resolve(StagingArea.OWNER), "");
    Files.writeString(left.resolve("plaintext.txt"), "left behind by a killed runtime");
    // another process holds the owner lock (fcntl, as the JDK's FileChannel.lock takes it)
    Process holder = new ProcessBuilder("/usr/bin/python3", "-c", """
        import fcntl, sys
        f = open(sys.argv[1], "r+")
        fcntl.lockf(f, fcntl.LOCK_EX)
        print("locked", flush=True)
        sys.stdin.read()
        """, left.resolve(StagingArea.OWNER).toString()).start();
    try {
      String line = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(line).isEqualTo("locked");
      StagingArea.sweep(memory);
      assertThat(left.resolve("plaintext.txt")).as("its owner still runs").exists();
    } finally {
      holder.destroyForcibly();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    try (StagingArea next = StagingArea.create(memory)) {
      assertThat(left).as("the next runtime removes what a killed one left").doesNotExist();
      StagingArea.sweep(memory);
      assertThat(next.dir()).as("a live area is never swept, even by its own process").exists();
    }
  }

  @Test
  void aSweepByTheOwnProcessLeavesALiveAreaLockedForEveryOtherProcess() throws Exception {
    try (StagingArea live = StagingArea.create(memory)) {
      // a second run starting in the same process (the daemon) sweeps the same folder
      StagingArea.sweep(memory);
      // another process's sweep must still find the live area's owner locked
      Process probe = new ProcessBuilder("/usr/bin/python3", "-c", """
          import fcntl, sys
          f = open(sys.argv[1], "r+")
          try:
              fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
              print("free")
          except OSError:
              print("held")
          """, live.dir().resolve(StagingArea.OWNER).toString()).redirectErrorStream(true).start();
      String answer = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(answer).as("the live area's lock, as another process sees it").isEqualTo("held");
    }
  }
}
