package dev.confide.cli.run;

import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.remote.ssh.HostCheck;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.HostProfiles;
import dev.confide.remote.ssh.SshConnection;
import dev.confide.remote.ssh.UnknownHostKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide host check NAME}: connect to a remote host and report what it offers a run. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Connect to a remote host over SSH and report its system, bubblewrap, room for staging areas,",
        "the Confide runtime installed there and the evidence it can produce. Its host key must be in",
        "~/.ssh/known_hosts or Confide's own, or confirmed with --host-key (then remembered, hashed)."})
public final class HostCheckCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME") String name;

  @Option(names = "--host-key", paramLabel = "SHA256:...",
      description = "Trust this host key fingerprint if no known_hosts entry names the host (check it with the host's operator).")
  String hostKey;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  /** The known_hosts files read: the user's OpenSSH one, then Confide's own, where confirmed keys are written. */
  static List<Path> knownHosts(ConfideDirs dirs) {
    return List.of(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), dirs.config().resolve("known_hosts"));
  }

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
    HostCheck.Report r;
    try (SshConnection ssh = SshConnection.open(host, knownHosts(dirs), unknown)) {
      r = HostCheck.of(ssh);
    }
    new Output(spec.commandLine().getOut(), common.json).report("Host " + name + " (" + host.address() + ") answered.",
        Output.fields("system", r.system(), "bubblewrap", r.bwrap() == null ? "missing (install the Debian package bubblewrap)" : r.bwrap(),
            "staging", r.stagingRoot() + ", " + r.stagingFreeKiB() / 1024 + " MiB free",
            "runtime", r.runtimeVersion() == null ? "not installed" : r.runtimeVersion(),
            "evidence", String.join(", ", r.evidence()) + " (simulated: protects nothing against the host's root)"));
    return ExitCodes.OK;
  }
}
