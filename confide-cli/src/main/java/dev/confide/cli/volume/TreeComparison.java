package dev.confide.cli.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Compares two directory trees entry by entry (kind, mode, mtime, content, link target). */
public final class TreeComparison {
  private TreeComparison() {}

  /** Null when identical, else the first difference found. */
  static String difference(Path a, Path b) throws IOException {
    List<Path> left = list(a);
    List<Path> right = list(b);
    if (!left.equals(right)) {
      return "the trees list different entries: " + left + " vs " + right;
    }
    for (Path rel : left) {
      Path x = a.resolve(rel);
      Path y = b.resolve(rel);
      Object modeX = Files.getAttribute(x, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      Object modeY = Files.getAttribute(y, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      if (!modeX.equals(modeY)) {
        return rel + ": mode differs";
      }
      if (!Files.getLastModifiedTime(x, LinkOption.NOFOLLOW_LINKS)
          .equals(Files.getLastModifiedTime(y, LinkOption.NOFOLLOW_LINKS))) {
        return rel + ": mtime differs";
      }
      if (Files.isSymbolicLink(x)) {
        if (!Files.readSymbolicLink(x).equals(Files.readSymbolicLink(y))) {
          return rel + ": link target differs";
        }
      } else if (Files.isRegularFile(x, LinkOption.NOFOLLOW_LINKS) && Files.mismatch(x, y) != -1) {
        return rel + ": content differs";
      }
    }
    return null;
  }

  private static List<Path> list(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      return s.map(root::relativize).sorted().toList();
    }
  }

  static void copy(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
      }
    }
  }
}
