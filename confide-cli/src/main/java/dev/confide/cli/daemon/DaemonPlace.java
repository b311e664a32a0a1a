package dev.confide.cli.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where a user's daemon lives: a folder only that user can enter ($XDG_RUNTIME_DIR/confide, else
 * /tmp/confide-USER), holding per build a socket, a lock and a log. The folder is the first guard
 * of the socket (the daemon also checks each caller's user id); a folder someone else owns or can
 * enter is refused, never repaired.
 */
public record DaemonPlace(Path dir) {
  static DaemonPlace forUser(Map<String, String> env) {
    String runtime = env.get("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank() && Path.of(runtime).isAbsolute() && Files.isDirectory(Path.of(runtime))) {
      return new DaemonPlace(Path.of(runtime, "confide"));
    }
    return new DaemonPlace(Path.of(System.getProperty("java.io.tmpdir"), "confide-" + System.getProperty("user.name")));
  }

  /** Creates the folder (0700) if needed and checks it is this user's alone. */
  void ensurePrivate() throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another client created it first: checked below like any existing folder
      }
    }
    PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isDirectory()) {
      throw new IOException(dir + " is not a directory");
    }
    String me = System.getProperty("user.name");
    if (!attrs.owner().getName().equals(me)) {
      throw new IOException(dir + " belongs to " + attrs.owner().getName() + ", not to " + me);
    }
    if (!PosixFilePermissions.toString(attrs.permissions()).equals("rwx------")) {
      throw new IOException(dir + " has mode " + PosixFilePermissions.toString(attrs.permissions()) + ", not rwx------");
    }
  }

  Path socket(String build) {
    return dir.resolve("daemon-" + build + ".sock");
  }

  Path lock(String build) {
    return dir.resolve("daemon-" + build + ".lock");
  }

  Path log(String build) {
    return dir.resolve("daemon-" + build + ".log");
  }
}
