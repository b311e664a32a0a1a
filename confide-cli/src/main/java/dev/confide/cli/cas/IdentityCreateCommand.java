package dev.confide.cli.cas;

import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
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

/** {@code confide identity create}. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create a P-256 key pair and self-signed certificate in your config folder (key 0600).")
public final class IdentityCreateCommand implements Callable<Integer> {
  @Option(names = "--name", description = "Common name in the certificate (default: your user name).")
  String name;

  @Option(names = "--force", description = "Replace an existing identity (its key hash loses every right it had).")
  boolean force;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    TlsIdentity identity = UserKeysLock.holding(Main.dirs(spec), this::create);
    new Output(spec.commandLine().getOut(), common.json).report("Created your identity.",
        Output.fields("key_hash", identity.keyHash(), "fingerprint", identity.fingerprint(), "folder",
            Main.dirs(spec).identity().toString()));
    return ExitCodes.OK;
  }

  private TlsIdentity create() throws IOException {
    Path dir = Main.dirs(spec).identity();
    if (TlsIdentity.existsIn(dir)) {
      if (!force) {
        TlsIdentity existing = TlsIdentity.load(dir);
        throw new CliFailure(ExitCodes.CANT_CREATE, "identity_exists", "an identity already exists in " + dir
            + " (key hash " + existing.keyHash() + ")", "use it, or pass --force to replace it");
      }
      Files.deleteIfExists(dir.resolve("key.pem"));
      Files.deleteIfExists(dir.resolve("cert.pem"));
    }
    return TlsIdentity.create(dir, name != null ? name : System.getProperty("user.name", "confide-user"));
  }
}
