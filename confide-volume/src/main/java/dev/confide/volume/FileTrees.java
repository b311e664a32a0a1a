package dev.confide.volume;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Removing a directory tree, including directories left without permissions (a half-extracted
 * volume, a sandboxed program's work). Links are removed, never followed. And whether a path
 * lies inside a tree, however either is named.
 */
public final class FileTrees {
  private FileTrees() {}

  /** Removes everything below {@code dir}, and {@code dir} itself unless {@code keepRoot}; nothing there is fine. */
  public static void delete(Path dir, boolean keepRoot) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        d.toFile().setReadable(true, true);
        d.toFile().setWritable(true, true);
        d.toFile().setExecutable(true, true);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        if (!keepRoot || !d.equals(dir)) {
          Files.deleteIfExists(d);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Removes {@code root} as far as it can, for clean-up after a failure that is what the user needs to see. */
  public static void deleteQuietly(Path root) {
    try {
      delete(root, false);
    } catch (IOException ignored) {
      // best effort: a leftover is reported by nothing, the original failure by its caller
    }
  }

  /**
   * Whether {@code path} (which need not exist yet) lies inside {@code dir} (which must), both
   * with links resolved: a folder that is about to be written must not be one that is being read.
   */
  public static boolean within(Path path, Path dir) throws IOException {
    return realExistingPart(path.toAbsolutePath().normalize()).startsWith(dir.toRealPath());
  }

  /** {@code path} with its existing part resolved through links (the rest, not there yet, as given). */
  private static Path realExistingPart(Path path) throws IOException {
    return Files.exists(path) ? path.toRealPath()
        : path.getParent() == null ? path : realExistingPart(path.getParent()).resolve(path.getFileName());
  }
}
