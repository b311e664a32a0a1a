package dev.confide.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A test's own run directories in a memory file system: staging areas ({@code confide-run-*})
 * and small runs' ciphertext ({@code confide-ciphertext-*}). Other processes on a shared machine
 * use {@code /dev/shm} too, so a test counts only those {@code mine} accepts (the runtime's
 * {@code StagingArea::madeByThisProcess}).
 */
public final class PrivateDirectories {
  private PrivateDirectories() {}

  /** The names of this test's run directories in {@code root}. */
  public static Set<String> in(Path root, Predicate<String> mine) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      return new TreeSet<>(s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("confide-run-") || n.startsWith("confide-ciphertext-"))
          .filter(mine).toList());
    }
  }
}
