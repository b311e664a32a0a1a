package dev.confide.cli.run;

import dev.confide.cas.api.SimHost;
import dev.confide.cas.client.CasClient;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasChoice;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide host trust KEY_HASH}: vouch at the CAS for a host's simulated evidence. Anyone can
 * make a host key, so the CAS counts simulated evidence only from hosts a session lists or its
 * creator registered.
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
    description = {"Vouch for a host's simulated evidence at the CAS, for the sessions you create.",
        "KEY_HASH is what 'confide host init' printed on that host. Simulated evidence protects nothing",
        "against that host's root: trust only a host whose owner you are."})
public final class HostTrustCommand implements Callable<Integer> {
  @Parameters(paramLabel = "KEY_HASH", description = "The host's key hash (64 hex digits).")
  String keyHash;

  @Mixin CasChoice cas;
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!keyHash.matches("[0-9a-f]{64}")) {
      throw new CliFailure(ExitCodes.USAGE, "bad_key_hash", "'" + keyHash + "' is not a host key hash",
          "give the 64 hex digits 'confide host init' printed on the host");
    }
    try (CasClient client = cas.open(spec)) {
      SimHost host = client.trustSimHost(keyHash);
      new Output(spec.commandLine().getOut(), common.json).report("The CAS counts simulated evidence of this host for your sessions.",
          Output.fields("key_hash", host.keyHash(), "registered_by", host.registeredBy(), "registered_at", host.registeredAt(),
              "protects", "nothing against that host's root (simulated attestation)"));
    }
    return ExitCodes.OK;
  }
}
