package dev.confide.cli.run;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.remote.ssh.RuntimeInstall;
import dev.confide.remote.ssh.SshConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code confide host install NAME}: put the runtime's distribution (its jars and Java) on a remote host. */
@Command(name = "install", mixinStandardHelpOptions = true,
    description = {"Upload the runtime's distribution (its jars and, when built, its own Java) to a remote host, into a",
        "folder named by its files' checksums under the host's remote folder; checked there with sha256sum.",
        "Does nothing when the same runtime is installed and intact."})
public final class HostInstallCommand implements Callable<Integer> {
  @Mixin RemoteHostOptions host;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConfideDirs dirs = Main.dirs(spec);
    RuntimeInstall.Result r;
    String name;
    try (SshConnection ssh = host.connect(dirs)) {
      name = ssh.host().name();
      r = RuntimeInstall.install(ssh, Main.invocation(spec).runtime().get(), ProgressBars.forTerminal(spec, common));
    }
    new Output(spec.commandLine().getOut(), common.json).report(r.alreadyThere()
            ? "The runtime is installed on " + name + " already, intact." : "Installed the runtime on " + name + ".",
        Output.fields("id", r.id(), "version", r.version(), "path", r.path(), "uploaded_bytes", r.uploadedBytes()));
    return ExitCodes.OK;
  }
}
