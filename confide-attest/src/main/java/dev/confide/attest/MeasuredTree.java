package dev.confide.attest;

import dev.confide.attest.AttestationException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A folder a program loads from (Blender's {@code /usr/share/blender}, the Python it runs), measured
 * as one value beside the executable: the session names it ({@code measured_trees}), the runtime
 * measures it at attestation, and a changed, added or removed file gives another measurement.
 *
 * <p>Format, {@code confide tree v1}: SHA-256 over the bytes {@code "confide tree v1\0"} followed
 * by one line per entry below the root (the root itself not listed), sorted by the entry's path
 * relative to the root, '/'-separated, compared as unsigned UTF-8 bytes:
 * <ul>
 *   <li>a folder: {@code d NUL path LF};
 *   <li>a regular file: {@code f NUL path NUL x-or-dash NUL sha256-hex LF}, {@code x} when its
 *       owner may execute it;
 *   <li>a symbolic link: {@code l NUL path NUL target LF}, the target as written, never followed.
 * </ul>
 * Anything else (a socket, a pipe, a device) is refused. A root that is a link is followed once;
 * the measurement names the path as the session gives it. A root that does not exist is measured
 * as absent: SHA-256 over {@code "confide tree v1\0absent\n"} (so that naming
 * {@code /usr/local/lib/python3.11/dist-packages}, where an administrator's packages would go,
 * refuses a host where something appeared there).
 */
public record MeasuredTree(String path, String digest) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final byte[] LABEL = "confide tree v1\0".getBytes(StandardCharsets.US_ASCII);

  public MeasuredTree {
    if (path == null || !path.startsWith("/") || path.indexOf('\n') >= 0 || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a measured tree is an absolute path");
    }
    if (digest == null || !HEX64.matcher(digest).matches()) {
      throw new IllegalArgumentException("a tree's digest is 64 lower-case hex digits");
    }
  }

  /** One entry below the root; a file's digest is filled in once known. */
  private static final class Entry {
    final String path;
    final byte[] sortKey;
    final char kind;
    final String detail;
    String digest;

    Entry(String path, char kind, String detail) {
      this.path = path;
      this.sortKey = path.getBytes(StandardCharsets.UTF_8);
      this.kind = kind;
      this.detail = detail;
    }
  }

  private record Pending(Path file, Entry entry) {}

  /** Measures the folder at {@code root}, with file digests from {@code digests}; files are hashed on every core. */
  public static MeasuredTree measure(String root, FileDigests digests) throws AttestationException {
    if (!root.startsWith("/")) {
      throw new AttestationException(Reason.IO, "the measured tree '" + root + "' is not an absolute path", "give it from '/'");
    }
    Path real;
    try {
      real = Path.of(root).toRealPath();
    } catch (java.nio.file.NoSuchFileException absent) {
      MessageDigest md = Hashes.sha256();
      md.update(LABEL);
      md.update("absent\n".getBytes(StandardCharsets.US_ASCII));
      return new MeasuredTree(root, Hashes.hex(md.digest()));
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "cannot measure the tree " + root + ": " + e.getMessage(),
          "a measured tree is a folder that this host's runtime can read");
    }
    if (!Files.isDirectory(real)) {
      throw new AttestationException(Reason.IO, "the measured tree " + root + " is not a folder", "name a folder");
    }
    List<Entry> entries = new ArrayList<>();
    // files whose digest is not remembered, hashed on every core after the walk
    List<Pending> toHash = new ArrayList<>();
    try {
      Files.walkFileTree(real, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (!dir.equals(real)) {
            entries.add(new Entry(relative(real, dir), 'd', null));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          String rel = relative(real, file);
          if (attrs.isSymbolicLink()) {
            entries.add(new Entry(rel, 'l', Files.readSymbolicLink(file).toString()));
          } else if (attrs.isRegularFile()) {
            // one look-up for both the mode and the identity the remembered digest is kept by
            java.util.Map<String, Object> unix = Files.readAttributes(file, FileDigests.ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Entry e = new Entry(rel, 'f', ((Integer) unix.get("mode") & 0100) != 0 ? "x" : "-");
            entries.add(e);
            e.digest = digests.remembered(file, unix);
            if (e.digest == null) {
              toHash.add(new Pending(file, e));
            }
          } else {
            throw new IOException(rel + " is neither a file, a folder nor a link");
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new AttestationException(Reason.IO, "cannot measure the tree " + root + ": " + e.getMessage(),
          "a measured tree holds files, folders and links that this host's runtime can read");
    }
    try {
      toHash.parallelStream().forEach(p -> {
        try {
          p.entry().digest = digests.digest(p.file());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw new AttestationException(Reason.IO, "cannot read a file of the measured tree " + root + ": "
          + e.getCause().getMessage(), "a measured tree holds files that this host's runtime can read");
    }
    entries.sort((a, b) -> Arrays.compareUnsigned(a.sortKey, b.sortKey));
    MessageDigest md = Hashes.sha256();
    md.update(LABEL);
    for (Entry e : entries) {
      String line = switch (e.kind) {
        case 'd' -> "d\0" + e.path + "\n";
        case 'l' -> "l\0" + e.path + "\0" + e.detail + "\n";
        default -> "f\0" + e.path + "\0" + e.detail + "\0" + e.digest + "\n";
      };
      md.update(line.getBytes(StandardCharsets.UTF_8));
    }
    return new MeasuredTree(root, Hashes.hex(md.digest()));
  }

  private static String relative(Path root, Path p) {
    return root.relativize(p).toString();
  }
}
