package dev.confide.cas.common;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and folders only their owner may read: created 0600 / 0700 from the first byte (never
 * chmod-ed after writing), replaced atomically, and refused when someone loosened them.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  /**
   * Held within this JVM around every {@link #locked} file lock: closing any descriptor of a file
   * drops every lock the process holds on it (POSIX), so two channels on one lock file must never
   * be open in one process at once.
   */
  private static final Object ONE_LOCK_CHANNEL = new Object();
  private static final Set<PosixFilePermission> LOOSE = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /** Creates {@code dir} and any missing parent as 0700; leaves existing folders as they are. */
  public static void directory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      directory(parent);
    }
    try {
      Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(DIR));
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      if (!Files.isDirectory(absolute)) {
        throw raced; // something else took the name meanwhile; another Confide making it is fine
      }
    }
  }

  /** Like {@link #directory}, and refuses an existing folder that group or others may access. */
  public static void ownerOnlyDirectory(Path dir) throws IOException {
    directory(dir);
    requireOwnerOnly(dir);
  }

  /** Writes {@code content} to {@code file} as 0600, atomically replacing what was there. */
  public static void write(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.write(Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE)), content, StandardOpenOption.WRITE);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Work done while a lock is held. */
  public interface LockedWork<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} holding an exclusive lock on {@code lockFile} (created if missing), against
   * other processes and other threads of this one: for keys that are looked for and, the first
   * time, made, which two makers at once would write over one another.
   */
  public static <T> T locked(Path lockFile, LockedWork<T> work) throws IOException {
    synchronized (ONE_LOCK_CHANNEL) {
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
               StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           java.nio.channels.FileLock held = channel.lock()) {
        return work.run();
      }
    }
  }

  /** Reads a file that must be readable by its owner only. */
  public static byte[] read(Path file) throws IOException {
    requireOwnerOnly(file);
    return Files.readAllBytes(file);
  }

  public static void requireOwnerOnly(Path path) throws IOException {
    java.nio.file.attribute.UserPrincipal other = dev.confide.attest.FileOwners.otherOwner(path);
    if (other != null) {
      throw new LoosePermissionsException(path + " belongs to " + other.getName() + ", not to you"
          + (Files.isSymbolicLink(path) ? " (it is a link to " + path.toRealPath() + ")" : ""),
          "use a file of your own: Confide takes nobody else's keys or pins for yours");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
    if (perms.stream().anyMatch(LOOSE::contains)) {
      throw new LoosePermissionsException(path, PosixFilePermissions.toString(perms));
    }
  }

  /** A private file or folder that group or others may access. */
  public static final class LoosePermissionsException extends IOException {
    private final String hint;

    LoosePermissionsException(Path path, String perms) {
      this(path + " is accessible by group or others (" + perms + ")",
          "run 'chmod go= " + path + "' if it was never exposed, otherwise replace the key");
    }

    public LoosePermissionsException(String message, String hint) {
      super(message);
      this.hint = hint;
    }

    public String hint() {
      return hint;
    }
  }
}
