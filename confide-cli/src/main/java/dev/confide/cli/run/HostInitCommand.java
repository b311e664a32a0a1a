package dev.confide.cli.run;

import dev.confide.attest.HostKey;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.cli.UserKeysLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code confide host init}: the per-host key that signs simulated evidence. */
@Command(name = "init", mixinStandardHelpOptions = true,
    description = {"Create this host's key (Ed25519, 0600) for simulated attestation evidence.",
        "Simulated evidence proves nothing about hardware: a CAS accepts it only for sessions that",
        "list 'simulation' under security.attestation.tolerate, and only from a host the session lists",
        "in security.attestation.sim_hosts or its creator registered ('confide host trust KEY_HASH')."})
public final class HostInitCommand implements Callable<Integer> {
  @Option(names = "--force", description = "Replace an existing host key.")
  boolean force;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  public static Path keyFile(ConfideDirs dirs) {
    return dirs.data().resolve("host").resolve("host-key");
  }

  @Override
  public Integer call() throws IOException {
    Path file = keyFile(Main.dirs(spec));
    HostKey key = UserKeysLock.holding(Main.dirs(spec), () -> {
      if (Files.exists(file)) {
        if (!force) {
          throw new CliFailure(ExitCodes.CANT_CREATE, "host_key_exists", "this host already has a key (" + file + ")",
              "keep it, or pass --force to replace it");
        }
        Files.delete(file);
      }
      return HostKey.create(file);
    });
    new Output(spec.commandLine().getOut(), common.json).report("Created this host's key.",
        Output.fields("key_hash", key.keyHash(), "file", file.toString(), "platform", dev.confide.attest.SimEvidenceProvider.PLATFORM));
    return ExitCodes.OK;
  }
}
