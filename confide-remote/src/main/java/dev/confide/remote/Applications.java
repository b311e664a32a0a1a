package dev.confide.remote;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * Finds applications by name: the user's own ({@code CONFIG/applications/NAME.yaml}) first, then
 * the bundled ones ({@code examples/applications} of the Confide installation).
 */
public final class Applications {
  private final List<Path> dirs;

  /** Looks in {@code dirs}, in that order. */
  public Applications(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  public Application find(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new JobException(dev.confide.runtime.ExitCodes.USAGE, "bad_application", "'" + name + "' is not an application name",
          "use letters, digits, '.', '_' and '-'");
    }
    for (Path dir : dirs) {
      Path file = dir.resolve(name + ".yaml");
      if (Files.isRegularFile(file)) {
        return Application.read(file);
      }
    }
    throw new JobException(dev.confide.runtime.ExitCodes.NO_INPUT, "unknown_application", "no application '" + name + "' (known: "
        + String.join(", ", names()) + ")", "add " + dirs.getFirst().resolve(name + ".yaml") + ", or pick a known one");
  }

  public TreeSet<String> names() {
    TreeSet<String> names = new TreeSet<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.yaml")) {
        files.forEach(f -> names.add(f.getFileName().toString().replaceFirst("\\.yaml$", "")));
      } catch (IOException e) {
        // an unreadable directory just contributes nothing to the list of names
      }
    }
    return names;
  }
}
