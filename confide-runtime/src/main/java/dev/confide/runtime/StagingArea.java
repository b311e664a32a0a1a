package dev.confide.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's private plaintext: a 0700 directory on a memory-backed file system (tmpfs), so nothing
 * decrypted ever reaches the host's disks. {@link #close()} wipes it; it is safe to call twice and
 * from a shutdown hook.
 */
public final class StagingArea implements AutoCloseable {
  private final Path dir;
  private volatile boolean wiped;

  private StagingArea(Path dir) {
    this.dir = dir;
  }

  /** The first memory-backed candidate of $XDG_RUNTIME_DIR and /dev/shm, unless {@code root} is given. */
  public static StagingArea create(Path root) {
    List<Path> candidates = new ArrayList<>();
    if (root != null) {
      candidates.add(root);
    } else {
      String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
      if (runtimeDir != null && !runtimeDir.isBlank()) {
        candidates.add(Path.of(runtimeDir));
      }
      candidates.add(Path.of("/dev/shm"));
    }
    for (Path candidate : candidates) {
      if (memoryBacked(candidate)) {
        try {
          Path dir = Files.createTempDirectory(candidate, "confide-run-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
          return new StagingArea(dir);
        } catch (IOException e) {
          throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "cannot create a staging directory in " + candidate
              + ": " + e.getMessage(), "make it writable for this user", e);
        }
      }
    }
    throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "no memory-backed file system (tmpfs) to hold plaintext: tried "
        + candidates, "mount a tmpfs at /dev/shm or set XDG_RUNTIME_DIR to one");
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
    try {
      Trees.delete(dir, false);
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "could not wipe the staging area " + dir + ": " + e.getMessage(),
          "remove it by hand: it holds plaintext", e);
    }
  }
}
