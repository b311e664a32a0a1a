package dev.confide.cli.cas;

import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code confide identity show}. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print your key hash (the principal id to put into access policies) and fingerprint.")
public final class IdentityShowCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path dir = Main.dirs(spec).identity();
    TlsIdentity identity = CasConnections.identity(dir);
    new Output(spec.commandLine().getOut(), common.json).report(identity.keyHash(),
        Output.fields("key_hash", identity.keyHash(), "fingerprint", identity.fingerprint(), "folder", dir.toString()));
    return ExitCodes.OK;
  }
}
