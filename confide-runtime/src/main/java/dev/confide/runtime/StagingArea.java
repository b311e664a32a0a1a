package dev.confide.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The run's private plaintext: a 0700 directory on a memory-backed file system (tmpfs), so nothing
 * decrypted ever reaches the host's disks. {@link #close()} wipes it; it is safe to call twice and
 * from a shutdown hook.
 */
public final class StagingArea implements AutoCloseable {
  private final PrivateDirectory owned;
  private final Path dir;
  private volatile boolean wiped;

  private StagingArea(PrivateDirectory owned) {
    this.owned = owned;
    this.dir = owned.dir();
  }

  /** The first memory-backed candidate of $XDG_RUNTIME_DIR and /dev/shm, unless {@code root} is given. */
  public static StagingArea create(Path root) {
    Path memory = memoryRoot(root).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE,
        "no memory-backed file system (tmpfs) to hold plaintext: tried " + candidates(root),
        "mount a tmpfs at /dev/shm or set XDG_RUNTIME_DIR to one"));
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
  private static final String THIS_PROCESS = processToken();

  private static String processToken() {
    byte[] token = new byte[6];
    new SecureRandom().nextBytes(token);
    return HexFormat.of().formatHex(token);
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

  static void sweep(Path memory) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(memory, "confide-{run,ciphertext}-*")) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          sweepOne(entry);
        }
      }
    } catch (IOException e) {
      // an unreadable directory holds nothing we can sweep
    }
  }

  private static void sweepOne(Path dir) {
    if (dir.getFileName().toString().contains("-" + THIS_PROCESS + "-")) {
      return; // this process's, and alive: see THIS_PROCESS
    }
    try (FileChannel owner = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.WRITE)) {
      FileLock lock = owner.tryLock();
      if (lock != null) {
        dev.confide.volume.FileTrees.delete(dir, false);
      }
    } catch (OverlappingFileLockException ours) {
      // held by this very process: alive
    } catch (IOException e) {
      // no owner file yet (being created), or not ours to remove
    }
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

  /** Where volume {@code name} is opened. */
  Path volume(String name) {
    return dir.resolve("volumes").resolve(name);
  }

  /** Where injection files are prepared. */
  Path injections() {
    return dir.resolve("injected");
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
      dev.confide.volume.FileTrees.delete(dir, false);
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "could not wipe the staging area " + dir + ": " + e.getMessage(),
          "remove it by hand: it holds plaintext", e);
    }
  }
}
