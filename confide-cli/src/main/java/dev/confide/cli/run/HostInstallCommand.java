package dev.confide.cli.run;

import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.HostProfiles;
import dev.confide.remote.ssh.RuntimeInstall;
import dev.confide.remote.ssh.SshConnection;
import dev.confide.remote.ssh.UnknownHostKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide host install NAME}: put the runtime's distribution (its jars and Java) on a remote host. */
@Command(name = "install", mixinStandardHelpOptions = true,
    description = {"Upload the runtime's distribution (its jars and, when built, its own Java) to a remote host, into a",
        "folder named by its files' checksums under the host's remote folder; checked there with sha256sum.",
        "Does nothing when the same runtime is installed and intact."})
public final class HostInstallCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME") String name;

  @Option(names = "--host-key", paramLabel = "SHA256:...",
      description = "Trust this host key fingerprint if no known_hosts entry names the host.")
  String hostKey;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConfideDirs dirs = Main.dirs(spec);
    HostProfile host = new HostProfiles(dirs.config()).find(name).orElseThrow(() -> new CliFailure(ExitCodes.NO_INPUT,
        "unknown_host", "no host named " + name + " was added", "add it with 'confide host add " + name + " --ssh USER@HOST'"));
    UnknownHostKeys unknown;
    try {
      unknown = hostKey == null ? UnknownHostKeys.REFUSE : UnknownHostKeys.expecting(hostKey);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, "bad_host_key", "'" + hostKey + "': " + e.getMessage(), "give --host-key SHA256:...");
    }
    RuntimeInstall.Result r;
    try (SshConnection ssh = SshConnection.open(host, HostCheckCommand.knownHosts(dirs), unknown)) {
      r = RuntimeInstall.install(ssh, Main.invocation(spec).runtime().get(), ProgressBars.forTerminal(spec, common));
    }
    new Output(spec.commandLine().getOut(), common.json).report(r.alreadyThere()
            ? "The runtime is installed on " + name + " already, intact." : "Installed the runtime on " + name + ".",
        Output.fields("id", r.id(), "version", r.version(), "path", r.path(), "uploaded_bytes", r.uploadedBytes()));
    return ExitCodes.OK;
  }
}
