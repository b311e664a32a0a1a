package dev.confide.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sandbox's own {@code /etc/passwd} and {@code /etc/group}: root, the program's user
 * ({@value Bubblewrap#UID}, home {@code /tmp}) and nobody, instead of the host's list of accounts
 * (which names its users and their homes). Name lookups of the program's own uid then work.
 */
final class SandboxAccounts {
  static final String PASSWD = """
      root:x:0:0:root:/root:/usr/sbin/nologin
      confide:x:%1$d:%2$d:confide:/tmp:/usr/sbin/nologin
      nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
      """;
  static final String GROUP = """
      root:x:0:
      confide:x:%1$d:
      nogroup:x:65534:
      """;

  private SandboxAccounts() {}

  /** Writes both files into {@code dir} (created) for the default account and returns their binds. */
  static List<Sandbox.Bind> write(Path dir) {
    return write(dir, Bubblewrap.UID, Bubblewrap.UID);
  }

  /** Writes both files into {@code dir} (created), the program's account being {@code uid}:{@code gid}, and returns their binds. */
  static List<Sandbox.Bind> write(Path dir, int uid, int gid) {
    try {
      Files.createDirectories(dir);
      Path passwd = Files.writeString(dir.resolve("passwd"), PASSWD.formatted(uid, gid), StandardCharsets.US_ASCII);
      Path group = Files.writeString(dir.resolve("group"), GROUP.formatted(gid), StandardCharsets.US_ASCII);
      return List.of(new Sandbox.Bind(passwd, "/etc/passwd", false), new Sandbox.Bind(group, "/etc/group", false));
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot prepare the sandbox's accounts: " + e.getMessage(),
          "check the staging area's free memory", e);
    }
  }
}
