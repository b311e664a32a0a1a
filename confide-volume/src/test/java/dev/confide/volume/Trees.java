package dev.confide.volume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: build trees, describe them exactly, copy and damage files. */
final class Trees {
  private Trees() {}

  static Path file(Path root, String rel, byte[] content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return p;
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A varied tree: nested dirs, odd modes, empty and multi-segment files, links, ns mtimes. */
  static Path sample(Path root) throws IOException {
    Files.createDirectories(root);
    file(root, "README", "hello\n".getBytes());
    file(root, "empty", new byte[0]);
    file(root, "data/big.bin", random(300_000, 1));
    file(root, "data/exact.bin", random(64 * 1024 - 16 - 40, 2));
    file(root, "data/nested/deeper/note.txt", "deep".getBytes());
    Path script = file(root, "bin/run.sh", "#!/bin/sh\necho hi\n".getBytes());
    Files.setAttribute(script, "unix:mode", 0755);
    Path secret = file(root, "private/key.pem", "not really".getBytes());
    Files.setAttribute(secret, "unix:mode", 0400);
    Files.setAttribute(root.resolve("private"), "unix:mode", 0700);
    Files.setAttribute(root.resolve("bin"), "unix:mode", 02755);
    Files.createSymbolicLink(root.resolve("latest"), Path.of("data/big.bin"));
    Files.createSymbolicLink(root.resolve("absolute-link"), Path.of("/etc/hostname"));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("no/such/file"));
    Files.setLastModifiedTime(root.resolve("README"), FileTime.from(Instant.ofEpochSecond(1_600_000_000L, 123_456_789)));
    Files.setLastModifiedTime(root.resolve("data/nested"), FileTime.from(Instant.ofEpochSecond(1_500_000_000L, 987_654_321)));
    return root;
  }

  /** One line per entry: path, kind, mode, mtime, and content or link target. */
  static List<String> describe(Path root) throws IOException {
    List<String> lines = new ArrayList<>();
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted().toList()) {
        String rel = root.relativize(p).toString();
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        String time = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().toString();
        String what;
        if (Files.isSymbolicLink(p)) {
          what = "link->" + Files.readSymbolicLink(p) + " " + time;
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          what = String.format("dir %o %s", mode & 07777, time);
        } else {
          what = String.format("file %o %s %s", mode & 07777, time,
              java.util.HexFormat.of().formatHex(Tag.sha256(Files.readAllBytes(p))));
        }
        lines.add("/" + rel + " " + what);
      }
    }
    return lines;
  }

  static void flipByte(Path file, long position) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
      ch.write(b, position);
    }
  }

  static List<Path> objects(Path volume) {
    try (var s = Files.walk(volume.resolve("objects"))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Siblings of {@code dir} whose names mark them as Confide staging folders. */
  static List<Path> stagingLeftovers(Path parent) throws IOException {
    try (var s = Files.list(parent)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".confide-open-")).toList();
    }
  }
}
