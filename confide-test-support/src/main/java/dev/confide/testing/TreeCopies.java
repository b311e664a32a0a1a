package dev.confide.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** What a host operator does to a volume's directory: copy it away, put an old copy back, remove it. */
public final class TreeCopies {
  private TreeCopies() {}

  /** Copies the tree {@code from} to {@code to} (created), with its files' attributes; links stay links. */
  public static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
    return to;
  }

  /** Replaces the tree {@code dir} with a copy of {@code with}. */
  public static void replace(Path dir, Path with) throws IOException {
    remove(dir);
    copy(with, dir);
  }

  /** Removes the tree {@code dir}, if there is one, without following links. */
  public static void remove(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
