package dev.confide.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The run's private plaintext: a 0700 directory on a memory-backed file system (tmpfs), so nothing
 * decrypted ever reaches the host's disks. {@link #close()} wipes it; it is safe to call twice and
 * from a shutdown hook.
 */
public final class StagingArea implements AutoCloseable {
  private final PrivateDirectory owned;
  private final Path dir;
  private final StagingWatchdog watchdog;
  private volatile boolean wiped;

  private StagingArea(PrivateDirectory owned) {
    this.owned = owned;
    this.dir = owned.dir();
    this.watchdog = StagingWatchdog.watch(dir);
  }

  /** The first memory-backed candidate of $XDG_RUNTIME_DIR and /dev/shm, unless {@code root} is given. */
  public static StagingArea create(Path root) {
    Path memory = memoryRoot(root).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE,
        "no memory-backed file system (tmpfs) to hold plaintext: tried " + candidates(root),
        "mount a tmpfs at /dev/shm or set XDG_RUNTIME_DIR to one"));
    if (mountedNoExec(memory)) {
      // the program starts from its measured copy, which lies here
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "the staging area's file system (" + memory
          + ") is mounted noexec, and the program runs from its measured copy there",
          "mount it without noexec (podman: --tmpfs /dev/shm:rw,exec; Kubernetes: an emptyDir of medium Memory), or pass --staging-root DIR");
    }
    return new StagingArea(privateDirectory(memory, "run"));
  }

  /** Where private memory-backed directories go: {@code root} if given, else $XDG_RUNTIME_DIR or /dev/shm. */
  public static Optional<Path> memoryRoot(Path root) {
    return candidates(root).stream().filter(StagingArea::memoryBacked).findFirst();
  }

  private static List<Path> candidates(Path root) {
    List<Path> candidates = new ArrayList<>();
    if (root != null) {
      candidates.add(root);
    } else {
      String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
      if (runtimeDir != null && !runtimeDir.isBlank() && Path.of(runtimeDir).isAbsolute()) {
        candidates.add(Path.of(runtimeDir));
      }
      candidates.add(Path.of("/dev/shm"));
    }
    return candidates;
  }

  /**
   * A new 0700 directory {@code confide-KIND-PROCESS-RANDOM} in {@code memory} (or any folder the caller
   * keeps such directories in), locked by this process for
   * as long as it lives (a lock on the file {@value #OWNER} inside). Before creating it, directories
   * whose lock nobody holds any more are removed: a runtime killed with SIGKILL cannot wipe its
   * own plaintext, so the next one does. Locks, unlike process ids, mean the same in every PID
   * namespace sharing the file system.
   */
  public static PrivateDirectory privateDirectory(Path memory, String kind) {
    sweep(memory);
    Path dir = null;
    try {
      dir = Files.createTempDirectory(memory, "confide-" + kind + "-" + THIS_PROCESS + "-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      FileChannel owner = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return new PrivateDirectory(dir, owner, owner.lock());
    } catch (IOException e) {
      if (dir != null) {
        try {
          dev.confide.volume.FileTrees.delete(dir, false);
        } catch (IOException ignored) {
          e.addSuppressed(ignored);
        }
      }
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "cannot create a private directory in " + memory
          + ": " + e.getMessage(), "make it writable for this user", e);
    }
  }

  /** The file whose lock says a private directory's owner still runs. */
  static final String OWNER = ".confide-owner";
  /**
   * In the names of this process's private directories, so that a sweep in this process never
   * opens their owner files: closing any descriptor of a file drops every lock the process holds
   * on it (POSIX), so the sweep of a second run in the daemon used to free the first run's
   * directory for any other process's sweep to delete while it ran.
   */
  private static final String THIS_PROCESS = newProcessToken();

  /** The system property through which a runtime's process takes the token of the client that started it. */
  public static final String TOKEN_PROPERTY = "confide.process.token";

  /**
   * Whether the private directory named {@code name} was made by this process or by a runtime it
   * started (tests look only at their own: other processes on a shared machine use /dev/shm too).
   */
  public static boolean madeByThisProcess(String name) {
    return name.contains("-" + THIS_PROCESS + "-");
  }

  /** This process's token in the names of its private directories; a runtime it starts is given it. */
  public static String processToken() {
    return THIS_PROCESS;
  }

  /**
   * Random, after the starting client's token when there is one: the client's {@link
   * #madeByThisProcess} then knows its runtime's directories, while this process's sweep (which
   * skips only its own) still clears what an earlier runtime of the same client left.
   */
  private static String newProcessToken() {
    byte[] token = new byte[6];
    new SecureRandom().nextBytes(token);
    String own = HexFormat.of().formatHex(token);
    String inherited = System.getProperty(TOKEN_PROPERTY);
    return inherited != null && inherited.matches("[0-9a-f]{12}") ? inherited + "-" + own : own;
  }

  /** A directory this process owns while it holds the lock; {@link #close()} releases it (and deletes nothing). */
  public static final class PrivateDirectory implements AutoCloseable {
    private final Path dir;
    private final FileChannel owner;
    private final FileLock lock;

    PrivateDirectory(Path dir, FileChannel owner, FileLock lock) {
      this.dir = dir;
      this.owner = owner;
      this.lock = lock;
    }

    public Path dir() {
      return dir;
    }

    @Override
    public void close() {
      try {
        lock.release();
        owner.close();
      } catch (IOException e) {
        // closing the channel releases the lock whatever happened
      }
    }
  }

  /**
   * Removes the private directories of this user that no process owns any more. Only a directory
   * that is this user's own and 0700 is looked into (another user's, in a folder anyone may
   * write, may be a trap: links swapped in during the removal, a FIFO where the owner file should
   * be); it is opened without following links, its owner file only if it is a regular file of
   * this user's, and it is removed relative to the open directory, never by path.
   */
  static void sweep(Path memory) {
    UserPrincipal me;
    try {
      me = dev.confide.attest.FileOwners.caller(memory);
    } catch (IOException e) {
      return; // without knowing who we are, nothing is provably ours
    }
    try (SecureDirectoryStream<Path> parent = DirectoryWipe.open(memory)) {
      List<Path> candidates = new ArrayList<>();
      for (Path entry : parent) {
        String name = entry.getFileName().toString();
        if ((name.startsWith("confide-run-") || name.startsWith("confide-ciphertext-")) && !name.contains("-" + THIS_PROCESS + "-")) {
          candidates.add(entry.getFileName()); // not this process's: those are alive (see THIS_PROCESS)
        }
      }
      for (Path name : candidates) {
        sweepOne(parent, name, me);
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      // an unreadable directory holds nothing we can sweep
    }
  }

  private static void sweepOne(SecureDirectoryStream<Path> parent, Path name, UserPrincipal me) {
    try (SecureDirectoryStream<Path> dir = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
      PosixFileAttributes attrs = dir.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
      if (!attrs.owner().equals(me) || !attrs.permissions().equals(PosixFilePermissions.fromString("rwx------"))) {
        return; // not provably this user's own private directory
      }
      PosixFileAttributes owner = dir.getFileAttributeView(Path.of(OWNER), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
      if (!owner.isRegularFile() || !owner.owner().equals(me)) {
        return;
      }
      // a 0700 directory of ours: nobody but us (and root) can have swapped the owner file since
      try (SeekableByteChannel channel = dir.newByteChannel(Path.of(OWNER),
          Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
        if (channel instanceof FileChannel file) {
          FileLock lock = file.tryLock();
          if (lock != null) {
            DirectoryWipe.removeBelow(dir);
            parent.deleteDirectory(name);
          }
        }
      }
    } catch (OverlappingFileLockException ours) {
      // held by this very process: alive
    } catch (IOException e) {
      // not a directory, a link, no owner file yet (being created), or not ours to remove
    }
  }

  /** Whether the mount {@code p} lies on forbids executing files (from /proc/self/mounts; false when unknown). */
  static boolean mountedNoExec(Path p) {
    try {
      return mountedNoExec(p.toRealPath().toString(), Files.readAllLines(Path.of("/proc/self/mounts")));
    } catch (IOException e) {
      return false;
    }
  }

  /** As {@link #mountedNoExec(Path)} for the real path {@code real}, given the lines of /proc/self/mounts. */
  static boolean mountedNoExec(String real, List<String> mounts) {
    String best = null;
    boolean noexec = false;
    for (String line : mounts) {
      String[] f = line.split(" ");
      if (f.length < 4) {
        continue;
      }
      String point = f[1].replace("\\040", " ");
      boolean covers = real.equals(point) || point.equals("/") || real.startsWith(point + "/");
      if (covers && (best == null || point.length() >= best.length())) {
        best = point;
        noexec = java.util.Arrays.asList(f[3].split(",")).contains("noexec");
      }
    }
    return noexec;
  }


  static boolean memoryBacked(Path p) {
    try {
      return Files.isDirectory(p) && Files.isWritable(p) && "tmpfs".equals(Files.getFileStore(p).type());
    } catch (IOException e) {
      return false;
    }
  }

  public Path dir() {
    return dir;
  }

  /** The watchdog that removes this area if the runtime dies (null when none could start). */
  StagingWatchdog watchdog() {
    return watchdog;
  }

  /** Where volume {@code name} is opened. */
  Path volume(String name) {
    return dir.resolve("volumes").resolve(name);
  }

  /** Where injection files are prepared. */
  Path injections() {
    return dir.resolve("injected");
  }

  /** Where the sandbox's own system files (accounts, the measured executable's copy) are prepared. */
  Path system() {
    return dir.resolve("system");
  }

  /** Where the program's output is collected before it is put into the output volume. */
  Path log() {
    return dir.resolve("program.log");
  }

  /** Removes everything (the memory is freed with the files). */
  @Override
  public void close() {
    if (wiped) {
      return;
    }
    wiped = true;
    try (owned) {
      DirectoryWipe.remove(dir);
      if (watchdog != null) {
        watchdog.done();
      }
    } catch (IOException e) {
      if (watchdog != null) {
        watchdog.close(); // it removes what the wipe could not
      }
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "could not wipe the staging area " + dir + ": " + e.getMessage(),
          "remove it by hand: it holds plaintext", e);
    }
  }
}
