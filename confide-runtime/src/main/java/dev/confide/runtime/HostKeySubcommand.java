package dev.confide.runtime;

import dev.confide.attest.HostKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code confide-runtime host-key FILE}: the hash of the host's key for simulated evidence,
 * the key made first (0600) when FILE does not exist. A remote host gets its key this way when
 * the runtime is installed there; the key never leaves the host.
 */
@Command(name = "host-key", mixinStandardHelpOptions = true,
    description = {"Print the SHA-256 of the public half of the host's key for simulated evidence in FILE,",
        "creating the key (0600, its folder 0700) when FILE does not exist."})
final class HostKeySubcommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The key's file.")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    HostKey key;
    try {
      key = Files.exists(file) ? HostKey.load(file) : HostKey.create(file);
    } catch (java.io.IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot use the host key " + file + ": " + e.getMessage(),
          "check that folder's owner and permissions");
    }
    spec.commandLine().getOut().println(key.keyHash());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
