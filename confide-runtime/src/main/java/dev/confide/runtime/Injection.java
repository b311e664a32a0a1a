package dev.confide.runtime;

import dev.confide.cas.api.RunConfiguration.Mount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Places an injection file (its secrets already substituted). Inside a volume it becomes a file of
 * that volume; elsewhere it is a read-only file bound into the sandbox. It cannot go into the
 * read-only system directories, which the sandbox takes from the host.
 */
final class Injection {
  private Injection() {}

  static List<Sandbox.Bind> place(String path, String content, List<Mount> mounts, StagingArea staging, int index) {
    if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "injection file path '" + path + "' is not an absolute path",
          "fix the session's injection_files");
    }
    try {
      for (Mount m : mounts) {
        if (path.startsWith(m.path() + "/")) {
          Path target = staging.volume(m.volume()).resolve(path.substring(m.path().length() + 1));
          Files.createDirectories(target.getParent());
          write(target, content);
          return List.of();
        }
      }
      for (String system : Bubblewrap.SYSTEM) {
        if (path.equals(system) || path.startsWith(system + "/")) {
          throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "injection file " + path + " lies in " + system
              + ", which the sandbox takes read-only from the host", "inject it into a volume or another directory");
        }
      }
      Files.createDirectories(staging.injections());
      Path file = staging.injections().resolve(Integer.toString(index));
      write(file, content);
      return List.of(new Sandbox.Bind(file, path, false));
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot write injection file " + path + ": " + e.getMessage(),
          "check the staging area's free memory", e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }
}
