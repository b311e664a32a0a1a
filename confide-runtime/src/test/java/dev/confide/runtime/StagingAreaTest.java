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
  static final java.nio.file.attribute.FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
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
  void aStagingAreaOnANoExecMountIsFoundSoThatTheRunIsRefusedUpFront() {
    // podman mounts a container's /dev/shm noexec; the last mount of a path wins
    java.util.List<String> mounts = java.util.List.of("overlay / overlay rw,relatime 0 0",
        "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=64000k 0 0", "tmpfs /run/user/0 tmpfs rw,nosuid,nodev 0 0");
    assertThat(StagingArea.mountedNoExec("/dev/shm", mounts)).isTrue();
    assertThat(StagingArea.mountedNoExec("/dev/shm/confide-run-1", mounts)).isTrue();
    assertThat(StagingArea.mountedNoExec("/dev/shmem", mounts)).isFalse();
    assertThat(StagingArea.mountedNoExec("/run/user/0", mounts)).isFalse();
    java.util.List<String> remounted = new java.util.ArrayList<>(mounts);
    remounted.add("tmpfs /dev/shm tmpfs rw,nosuid,nodev,size=1g 0 0");
    assertThat(StagingArea.mountedNoExec("/dev/shm/x", remounted)).isFalse();
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
    Path left = Files.createDirectory(memory.resolve("confide-run-left"), PRIVATE);
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
      assertThat(lockAsSeenByAnotherProcess(live.dir().resolve(StagingArea.OWNER)))
          .as("the live area's lock, as another process sees it").isEqualTo("held");
    }
  }

  /** A folder of another user's (or this user's, not 0700) is never looked into by a sweep. */
  @Test
  void aSweepLeavesFoldersThatAreNotThisUsersOwnPrivateOnes() throws Exception {
    Path open = Files.createDirectory(memory.resolve("confide-run-open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.writeString(open.resolve(StagingArea.OWNER), "");
    Files.writeString(open.resolve("file"), "kept");
    StagingArea.sweep(memory);
    assertThat(open.resolve("file")).as("0777: anyone could have planted or swapped what is in it").exists();
    if (isRoot()) {
      Path foreign = Files.createDirectory(memory.resolve("confide-run-foreign"), PRIVATE);
      Files.writeString(foreign.resolve(StagingArea.OWNER), "");
      Files.writeString(foreign.resolve("file"), "kept");
      chown(foreign, "65534");
      StagingArea.sweep(memory);
      assertThat(foreign.resolve("file")).as("another user's folder").exists();
    }
  }

  /** Links inside a dead run's folder are removed as links; what they point to is never touched. */
  @Test
  void aSweepRemovesLinksWithoutFollowingThem() throws Exception {
    Path victim = Files.createDirectories(memory.resolve("victim"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(victim.resolve("file-" + i), "root's own");
    }
    Path left = Files.createDirectory(memory.resolve("confide-run-links"), PRIVATE);
    Files.writeString(left.resolve(StagingArea.OWNER), "");
    Files.createDirectories(left.resolve("volumes/work"));
    Files.createSymbolicLink(left.resolve("volumes/work/data"), victim);
    Files.createSymbolicLink(left.resolve("volumes/linked-file"), victim.resolve("file-0"));
    Path locked = Files.createDirectories(left.resolve("volumes/work/locked"));
    Files.writeString(locked.resolve("inside"), "x");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    StagingArea.sweep(memory);
    assertThat(left).doesNotExist();
    try (var files = Files.list(victim)) {
      assertThat(files.count()).isEqualTo(50);
    }
    assertThat(Files.readString(victim.resolve("file-0"))).isEqualTo("root's own");
  }

  /** A FIFO, a link or a folder named like the owner file: the sweep neither hangs nor follows it. */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aFakeOwnerFileIsNeverOpened() throws Exception {
    try (StagingArea live = StagingArea.create(memory)) {
      Path linked = Files.createDirectory(memory.resolve("confide-run-linked"), PRIVATE);
      Files.createSymbolicLink(linked.resolve(StagingArea.OWNER), live.dir().resolve(StagingArea.OWNER));
      Path fifo = Files.createDirectory(memory.resolve("confide-run-fifo"), PRIVATE);
      Process mkfifo = new ProcessBuilder("mkfifo", fifo.resolve(StagingArea.OWNER).toString()).start();
      assertThat(mkfifo.waitFor()).isZero();
      // in the live area's own process (the daemon): opening and closing the linked file would drop its lock
      StagingArea.sweep(memory);
      assertThat(lockAsSeenByAnotherProcess(live.dir().resolve(StagingArea.OWNER))).isEqualTo("held");
      // a sweep in another process (a cold run beside the daemon): must return, and must not release the live lock
      Process sweeper = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), SweepOnce.class.getName(), memory.toString()).redirectErrorStream(true).start();
      assertThat(sweeper.waitFor(60, TimeUnit.SECONDS)).as("a FIFO named like the owner file hung the sweep").isTrue();
      assertThat(new String(sweeper.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("swept");
      assertThat(linked.resolve(StagingArea.OWNER)).as("not its own owner file: left alone").isSymbolicLink();
      assertThat(fifo.resolve(StagingArea.OWNER)).exists();
      assertThat(live.dir()).exists();
      assertThat(lockAsSeenByAnotherProcess(live.dir().resolve(StagingArea.OWNER))).isEqualTo("held");
    }
  }

  /** Sweeps {@code args[0]} once, in a JVM of its own. */
  static final class SweepOnce {
    public static void main(String[] args) {
      StagingArea.sweep(Path.of(args[0]));
      System.out.println("swept");
    }
  }

  private static String lockAsSeenByAnotherProcess(Path owner) throws Exception {
    Process probe = new ProcessBuilder("/usr/bin/python3", "-c", """
        import fcntl, sys
        f = open(sys.argv[1], "r+")
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print("free")
        except OSError:
            print("held")
        """, owner.toString()).redirectErrorStream(true).start();
    String answer = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return answer;
  }

  private static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  private static void chown(Path p, String uid) throws Exception {
    assertThat(new ProcessBuilder("chown", "-R", uid, p.toString()).start().waitFor()).isZero();
  }

  /** A runtime killed with SIGKILL (no hook runs) leaves no plaintext behind for long: its watchdog removes it. */
  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aStagingAreaOfARuntimeKilledWithSigkillIsRemovedByItsWatchdog() throws Exception {
    Process runtime = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), HoldStaging.class.getName(), memory.toString()).redirectErrorStream(true).start();
    String dir = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(dir).startsWith(memory.resolve("confide-run-").toString());
    assertThat(Path.of(dir, "plaintext.txt")).exists();
    runtime.destroyForcibly(); // SIGKILL
    assertThat(runtime.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Files.exists(Path.of(dir)) && System.nanoTime() < deadline) {
      Thread.sleep(10); // polling for the watchdog, which acts on its own once the runtime is gone
    }
    assertThat(Path.of(dir)).as("removed by the watchdog, before any other run's sweep").doesNotExist();
  }

  /**
   * After a clean end the watchdog touches nothing: another user may have put a folder of theirs
   * under the freed name in /dev/shm by then.
   */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aWatchdogWhoseRuntimeEndedCleanlyLeavesTheNameAlone() throws Exception {
    StagingArea area = StagingArea.create(memory);
    StagingWatchdog watchdog = area.watchdog();
    assertThat(watchdog).isNotNull();
    area.close();
    Path planted = Files.createDirectory(area.dir());
    Files.writeString(planted.resolve("someone-elses.txt"), "theirs");
    assertThat(watchdog.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(planted.resolve("someone-elses.txt")).exists();
  }

  /** Makes a staging area in {@code args[0]}, writes plaintext into it, prints its path and waits to be killed. */
  static final class HoldStaging {
    public static void main(String[] args) throws Exception {
      StagingArea area = StagingArea.create(Path.of(args[0]));
      Files.writeString(area.dir().resolve("plaintext.txt"), "secret");
      System.out.println(area.dir());
      System.out.flush();
      Thread.sleep(600_000);
    }
  }
}
