package dev.confide.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A file of a volume, which the host controls: read only when it is a regular file (a link — to
 * {@code /dev/zero}, say —, a FIFO that would block forever, a device or a folder is tampering)
 * and not larger than its kind can be (a 3 GB "manifest" must not exhaust the reader's memory).
 * Refusals are integrity violations naming the file.
 */
public final class HostFile {
  /** The largest manifest read: some two million entries. */
  static final long MAX_MANIFEST = 256L << 20;

  /** Confide's own files and folders are created owner-only, whatever the umask (it can only take bits away). */
  static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY_FILE =
      java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY_DIRECTORY =
      java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

  private HostFile() {}

  /** This process's user, as file owners are compared. */
  static java.nio.file.attribute.UserPrincipal caller(Path onFileSystem) throws IOException {
    return onFileSystem.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName(Long.toString(new com.sun.security.auth.module.UnixSystem().getUid()));
  }

  /**
   * Refuses a folder Confide is to write plaintext or a volume into when another user owns it or
   * everyone may write it: they could swap the files after Confide wrote them.
   */
  public static void requireOwnFolder(Path dir, String role) {
    try {
      java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class);
      if (!a.owner().equals(caller(dir))) {
        throw new VolumeException(Failure.DENIED, role + " " + dir + " belongs to " + a.owner().getName()
            + ", not to you: its owner could change what Confide writes there", "name a folder of your own");
      }
      if (a.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
        throw new VolumeException(Failure.DENIED, role + " " + dir + " may be written by every user (mode "
            + java.nio.file.attribute.PosixFilePermissions.toString(a.permissions())
            + "): any of them could change what Confide writes there", "run 'chmod o-w " + dir + "' or name another folder");
      }
    } catch (IOException e) {
      throw Io.failure("cannot read " + role + " " + dir, e);
    }
  }

  /**
   * Refuses a file of another user's (it is not this user's to lock or trust); makes one of this
   * user's owner-only if an older version of Confide or a loose umask left it open to others.
   */
  static void requireOwnedAndPrivate(Path p) throws IOException {
    java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS);
    if (!a.owner().equals(caller(p))) {
      throw new VolumeException(Failure.DENIED, p + " belongs to " + a.owner().getName() + ", not to you: another user"
          + " could hold its lock or change it", "use a volume folder of your own");
    }
    if (!a.permissions().equals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** Refuses {@code p} unless it is a regular file (not following links); absent files surface as NoSuchFileException. */
  static BasicFileAttributes requireRegular(Path p) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      String what = a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "a folder" : "not a regular file (a FIFO, socket or device)";
      throw new VolumeException(Failure.INTEGRITY, p + " is " + what + ": a volume holds only regular files there",
          "the volume was tampered with; restore it from a trusted copy");
    }
    return a;
  }

  /** The whole of {@code p}, a regular file of at most {@code limit} bytes. */
  static byte[] read(Path p, long limit) throws IOException {
    requireRegular(p);
    try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = in.size();
      if (size > limit) {
        throw new VolumeException(Failure.INTEGRITY, p + " has " + size + " bytes, more than such a file can have ("
            + limit + ")", "the volume was tampered with; restore it from a trusted copy");
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && in.read(buffer) >= 0) {
        // reads until full or the file ends early (it shrank meanwhile: the caller's checks refuse it)
      }
      return buffer.position() == buffer.capacity() ? buffer.array() : java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }
  }
}
