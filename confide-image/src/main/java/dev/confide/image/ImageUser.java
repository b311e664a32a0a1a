package dev.confide.image;

import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The account an image's configuration runs as ({@code User}: a name or a uid, with an optional
 * group after ':'), as the numbers the policy's {@code user} gives the sandbox. Names are looked
 * up in the image's own /etc/passwd and /etc/group. Root, or no user, gives none: the sandbox then
 * runs the program as its default account, never as root.
 */
final class ImageUser {
  private ImageUser() {}

  /** {@code UID:GID}, or null for root or no user. */
  static String resolve(Path rootfs, String user) {
    if (user == null || user.isBlank()) {
      return null;
    }
    String[] parts = user.split(":", 2);
    List<String[]> passwd = entries(rootfs, "/etc/passwd");
    String[] account = null;
    long uid;
    if (parts[0].matches("[0-9]+")) {
      uid = Long.parseLong(parts[0]);
      for (String[] e : passwd) {
        if (e.length > 3 && e[2].equals(parts[0])) {
          account = e;
        }
      }
    } else {
      for (String[] e : passwd) {
        if (e.length > 3 && e[0].equals(parts[0])) {
          account = e;
        }
      }
      if (account == null || !account[2].matches("[0-9]+")) {
        throw new ImageException(ExitCodes.DATA, "the image runs as user '" + parts[0] + "', which its /etc/passwd does not list",
            "fix the image's user (its configuration's User), or give it as numbers, UID:GID");
      }
      uid = Long.parseLong(account[2]);
    }
    long gid;
    if (parts.length > 1) {
      if (parts[1].matches("[0-9]+")) {
        gid = Long.parseLong(parts[1]);
      } else {
        String[] group = entries(rootfs, "/etc/group").stream().filter(e -> e.length > 2 && e[0].equals(parts[1])).findFirst()
            .orElseThrow(() -> new ImageException(ExitCodes.DATA, "the image runs as group '" + parts[1]
                + "', which its /etc/group does not list", "fix the image's user (its configuration's User), or give it as numbers"));
        gid = Long.parseLong(group[2]);
      }
    } else {
      gid = account != null && account[3].matches("[0-9]+") ? Long.parseLong(account[3]) : uid;
    }
    if (uid == 0) {
      return null;
    }
    if (uid > Integer.MAX_VALUE || gid > Integer.MAX_VALUE) {
      throw new ImageException(ExitCodes.DATA, "the image's user " + user + " is out of range", "give an account below 2^31");
    }
    return uid + ":" + gid;
  }

  private static List<String[]> entries(Path rootfs, String file) {
    Path p = ChrootPaths.resolve(rootfs, file, true);
    try {
      return Files.isRegularFile(p) ? Files.readAllLines(p).stream().map(l -> l.split(":", -1)).toList() : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }
}
