package dev.confide.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;

/**
 * Key files: 64 hex digits and a newline, mode 0600. Reading refuses a file that its group or
 * others can read or write, as OpenSSH does for private keys.
 */
public final class KeyFile {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private KeyFile() {}

  /** Writes a new key file, durably (file and folder flushed); refuses to overwrite one that exists. */
  public static void write(Path file, SymmetricKey key) {
    byte[] hex = (HexFormat.of().formatHex(key.copyBytes()) + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      throw new VolumeException(Failure.CANNOT_CREATE, "key file " + file + " already exists",
          "choose another --key-out path; Confide never overwrites a key");
    } catch (NoSuchFileException e) {
      throw new VolumeException(Failure.MISSING_INPUT,
          "cannot create key file " + file + ": its folder does not exist", "create the folder first");
    } catch (IOException e) {
      throw Io.failure("cannot create key file " + file, e);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(hex);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      // Flushed before anything is sealed under it: a crash must not keep a volume and lose its key
      // (the seal's own syncfs covers only the volume's filesystem, and the key may live elsewhere).
      ch.force(true);
      flushFolderOf(file);
    } catch (IOException e) {
      deleteQuietly(file);
      throw Io.failure("cannot write key file " + file, e);
    }
  }

  /**
   * Makes the key file's name durable too. A folder the user may write to but not list cannot be
   * opened to flush it; the key is still written (ext4 and XFS journal the name with the file's
   * own flush), as it was before keys were flushed at all.
   */
  private static void flushFolderOf(Path file) throws IOException {
    try {
      AtomicFiles.syncDirectory(file.toAbsolutePath().getParent());
    } catch (AccessDeniedException unlistable) {
      // see above
    }
  }

  public static SymmetricKey read(Path file) {
    if (!Files.exists(file)) {
      throw new VolumeException(Failure.MISSING_INPUT, "key file " + file + " does not exist",
          "pass the file that 'seal --key-out' wrote");
    }
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (IOException e) {
      throw Io.failure("cannot read key file " + file, e);
    }
    try {
      java.nio.file.attribute.UserPrincipal owner = Files.getOwner(file);
      if (!owner.equals(HostFile.caller(file))) {
        throw new VolumeException(Failure.DENIED, "key file " + file + " belongs to " + owner.getName() + ", not to you",
            "use a key file of your own");
      }
    } catch (IOException e) {
      throw Io.failure("cannot read key file " + file, e);
    }
    if (perms.stream().anyMatch(p -> !OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE)) {
      throw new VolumeException(Failure.DENIED,
          "key file " + file + " is accessible by others (mode "
              + PosixFilePermissions.toString(perms) + ")",
          "run 'chmod 600 " + file + "'");
    }
    String text;
    try {
      if (Files.size(file) > 1024) {
        throw malformed(file);
      }
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw Io.failure("cannot read key file " + file, e);
    }
    if (!text.matches("[0-9a-fA-F]{64}")) {
      throw malformed(file);
    }
    return SymmetricKey.of(HexFormat.of().parseHex(text));
  }

  private static VolumeException malformed(Path file) {
    return new VolumeException(Failure.BAD_DATA,
        "key file " + file + " does not hold a key (expected 64 hex digits)",
        "pass the file that 'seal --key-out' or 'tree authenticate --key-out' wrote");
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // best effort: the write failure is the error worth reporting
    }
  }
}
