package dev.confide.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Finds applications by name: the user's own ({@code CONFIG/applications/NAME.yaml}) first, then
 * the bundled ones ({@code examples/applications} of the Confide installation).
 */
final class Applications {
  private final List<Path> dirs;

  Applications(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  static Applications of(ConfideDirs dirs) {
    List<Path> search = new ArrayList<>();
    search.add(dirs.config().resolve("applications"));
    Install.home().ifPresent(home -> search.add(home.resolve("examples").resolve("applications")));
    return new Applications(search);
  }

  Application find(String name) {
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new CliFailure(ExitCodes.USAGE, "bad_application", "'" + name + "' is not an application name",
          "use letters, digits, '.', '_' and '-'");
    }
    for (Path dir : dirs) {
      Path file = dir.resolve(name + ".yaml");
      if (Files.isRegularFile(file)) {
        return Application.read(file);
      }
    }
    throw new CliFailure(ExitCodes.NO_INPUT, "unknown_application", "no application '" + name + "' (known: "
        + String.join(", ", names()) + ")", "add " + dirs.getFirst().resolve(name + ".yaml") + ", or pick a known one");
  }

  TreeSet<String> names() {
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
