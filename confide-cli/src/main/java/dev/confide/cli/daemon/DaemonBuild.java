package dev.confide.cli.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which build of Confide a process runs, as a short name: a client only talks to a daemon of its
 * own build (the launcher marks the jar as new after every build, so a rebuilt Confide gets a new
 * daemon and the old one idles out).
 */
public final class DaemonBuild {
  private DaemonBuild() {}

  /**
   * The build of the jar named by system property {@code confide.jar} (the daemon's client runs
   * from a jar of its own and says which Confide it belongs to), else of the code running here.
   */
  static String ofThisCode() {
    try {
      String jar = System.getProperty("confide.jar");
      Path code = jar != null ? Path.of(jar)
          : Path.of(DaemonBuild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      BasicFileAttributes a = Files.readAttributes(code, BasicFileAttributes.class);
      // a name, not a secret or a check: no digest, whose provider start-up every client would pay
      return Long.toHexString(a.lastModifiedTime().toMillis()) + Long.toHexString(a.size())
          + Integer.toHexString(code.toAbsolutePath().toString().hashCode());
    } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("cannot tell which build this is: " + e.getMessage(), e);
    }
  }
}
