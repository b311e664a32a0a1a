package dev.confide.cli.cas;

import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.CasPins;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.CliFailure;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Opens a client to a pinned CAS as the user's identity, or says exactly what to set up first. */
public final class CasConnections {
  private CasConnections() {}

  static TlsIdentity identity(Path dir) throws IOException {
    if (!TlsIdentity.existsIn(dir)) {
      throw new CliFailure(ExitCodes.CONFIG, "no_identity", "you have no identity yet (looked in " + dir + ")",
          "create one with 'confide identity create'");
    }
    return TlsIdentity.load(dir);
  }

  public static CasPins.Pin pin(ConfideDirs dirs, String name) throws IOException {
    CasPins pins = new CasPins(dirs.config());
    Map<String, CasPins.Pin> all = pins.all();
    if (name != null) {
      CasPins.Pin pin = all.get(name);
      if (pin == null) {
        throw new CliFailure(ExitCodes.CONFIG, "unknown_cas", "no CAS named " + name + " is pinned"
            + (all.isEmpty() ? "" : " (pinned: " + String.join(", ", all.keySet()) + ")"),
            "pin it with 'confide cas add " + name + " URL'");
      }
      return pin;
    }
    if (all.isEmpty()) {
      throw new CliFailure(ExitCodes.CONFIG, "no_cas", "no CAS is pinned",
          "start one with 'confide cas start' and pin it with 'confide cas add NAME URL'");
    }
    if (all.size() > 1) {
      throw new CliFailure(ExitCodes.USAGE, "which_cas", "several CASes are pinned (" + String.join(", ", all.keySet()) + ")",
          "choose one with --cas NAME");
    }
    return all.values().iterator().next();
  }

  public static CasClient open(ConfideDirs dirs, String name) throws IOException {
    CasPins.Pin pin = pin(dirs, name);
    return CasClient.connect(pin.name(), pin.url(), pin.fingerprint(), identity(dirs.identity()));
  }
}
