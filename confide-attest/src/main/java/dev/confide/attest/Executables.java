package dev.confide.attest;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where a program name leads on a PATH, the way a shell's lookup finds it (empty entries skipped). */
public final class Executables {
  private Executables() {}

  /** The first executable regular file named {@code program} in the folders of {@code path}. */
  public static Optional<Path> onPath(String program, String path) {
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** {@link #onPath} on this process's own PATH ({@code /usr/bin:/bin} when it has none). */
  public static Optional<Path> onPath(String program) {
    return onPath(program, System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
  }
}
