package dev.confide.cli.cas;

import dev.confide.cas.common.PrivateFiles;
import dev.confide.cli.CliFailure;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit-log head this user last verified, one file per CAS key in {@code DATA/audit-heads/}:
 * an intact chain cannot show that the log's tail was cut and its head moved back by someone who
 * can rewrite the database, a head remembered outside it can. Not secret, but owner-only, since
 * whoever may rewrite it could make a cut log pass.
 */
public final class AuditHeads {
  private static final Pattern LINE = Pattern.compile("(\\d+) ([0-9a-f]{64}) (\\S+)\\n?");
  private final Path dir;

  AuditHeads(Path dir) {
    this.dir = dir;
  }

  static AuditHeads of(ConfideDirs dirs) {
    return new AuditHeads(dirs.data().resolve("audit-heads"));
  }

  /** A verified head: entry {@code seq} had {@code hash}, as verified at {@code verifiedAt}. */
  record Head(long seq, String hash, String verifiedAt) {}

  /** Where the head verified for the CAS whose key hashes to {@code casKeyHash} is kept. */
  Path file(String casKeyHash) {
    return dir.resolve(casKeyHash);
  }

  Optional<Head> read(String casKeyHash) {
    Path file = file(casKeyHash);
    String text;
    try {
      text = new String(PrivateFiles.read(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException none) {
      return Optional.empty();
    } catch (PrivateFiles.LoosePermissionsException e) {
      throw new CliFailure(ExitCodes.DENIED, "loose_permissions", e.getMessage(),
          "whoever may write it could hide a cut audit log: chmod 600 " + file + ", after checking its content");
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.IO, "io", "cannot read " + file + ": " + e.getMessage(), "check the file");
    }
    Matcher m = LINE.matcher(text);
    if (!m.matches()) {
      throw new CliFailure(ExitCodes.DATA, "bad_data", file + " is not 'SEQ HASH TIME'",
          "delete it to remember the next verified head instead");
    }
    return Optional.of(new Head(Long.parseLong(m.group(1)), m.group(2), m.group(3)));
  }

  void remember(String casKeyHash, Head head) {
    Path file = file(casKeyHash);
    try {
      PrivateFiles.directory(dir);
      PrivateFiles.write(file, (head.seq() + " " + head.hash() + " " + head.verifiedAt() + "\n")
          .getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.IO, "io", "cannot write " + file + ": " + e.getMessage(),
          "check that the folder is writable");
    }
  }
}
