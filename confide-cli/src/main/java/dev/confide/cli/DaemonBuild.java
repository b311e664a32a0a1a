package dev.confide.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which build of Confide a process runs, as a short name: a client only talks to a daemon of its
 * own build (the launcher marks the jar as new after every build, so a rebuilt Confide gets a new
 * daemon and the old one idles out).
 */
final class DaemonBuild {
  private DaemonBuild() {}

  static String ofThisCode() {
    try {
      Path code = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      BasicFileAttributes a = Files.readAttributes(code, BasicFileAttributes.class);
      String identity = code.toAbsolutePath() + "\n" + a.size() + "\n" + a.lastModifiedTime().toMillis();
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 8);
    } catch (IOException | java.net.URISyntaxException | java.security.NoSuchAlgorithmException | RuntimeException e) {
      throw new IllegalStateException("cannot tell which build this is: " + e.getMessage(), e);
    }
  }
}
