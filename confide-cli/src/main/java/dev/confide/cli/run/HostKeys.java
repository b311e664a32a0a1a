package dev.confide.cli.run;

import dev.confide.attest.HostKey;
import dev.confide.cli.CliFailure;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.UserKeysLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's key for simulated evidence, as {@code confide host init} made it. */
public final class HostKeys {
  private HostKeys() {}

  static HostKey load(ConfideDirs dirs) throws IOException {
    Path file = HostInitCommand.keyFile(dirs);
    if (!Files.exists(file)) {
      throw new CliFailure(ExitCodes.CONFIG, "no_host_key", "this host has no key for attestation evidence (" + file + ")",
          "create it with 'confide host init'");
    }
    return HostKey.load(file);
  }

  /** The key, created first when this host has none (for the user's own machine, the {@code local} host). */
  public static HostKey loadOrCreate(ConfideDirs dirs) throws IOException {
    Path file = HostInitCommand.keyFile(dirs);
    return UserKeysLock.holding(dirs, () -> Files.exists(file) ? HostKey.load(file) : HostKey.create(file));
  }
}
