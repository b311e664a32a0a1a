package dev.confide.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where Confide is installed (the repository the {@code ./confide} launcher runs from): its examples live there. */
public final class Install {
  private Install() {}

  public static Optional<Path> home() {
    String home = System.getProperty("confide.home");
    if (home != null && Files.isDirectory(Path.of(home))) {
      return Optional.of(Path.of(home));
    }
    return Optional.empty();
  }

  public static Path examples() {
    return home().map(h -> h.resolve("examples")).filter(Files::isDirectory).orElseThrow(() -> new CliFailure(
        ExitCodes.CONFIG, "no_examples", "cannot find Confide's examples (system property confide.home is not set)",
        "run Confide through the ./confide launcher"));
  }
}
