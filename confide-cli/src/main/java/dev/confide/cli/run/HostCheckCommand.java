package dev.confide.cli.run;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.remote.ssh.HostCheck;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.SshConnection;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code confide host check NAME}: connect to a remote host and report what it offers a run. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Connect to a remote host over SSH and report its system, bubblewrap, room for staging areas,",
        "the Confide runtime installed there and the evidence it can produce. Its host key must be in",
        "~/.ssh/known_hosts or Confide's own, or confirmed with --host-key (then remembered, hashed)."})
public final class HostCheckCommand implements Callable<Integer> {
  @Mixin RemoteHostOptions host;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConfideDirs dirs = Main.dirs(spec);
    HostProfile profile;
    HostCheck.Report r;
    try (SshConnection ssh = host.connect(dirs)) {
      profile = ssh.host();
      r = HostCheck.of(ssh);
    }
    new Output(spec.commandLine().getOut(), common.json).report("Host " + profile.name() + " (" + profile.address() + ") answered.",
        Output.fields("system", r.system(), "bubblewrap", r.bwrap() == null ? "missing (install the Debian package bubblewrap)" : r.bwrap(),
            "staging", r.stagingRoot() + ", " + r.stagingFreeKiB() / 1024 + " MiB free",
            "runtime", r.runtimeVersion() == null ? "not installed" : r.runtimeVersion(),
            "evidence", String.join(", ", r.evidence()) + " (simulated: protects nothing against the host's root)"));
    return ExitCodes.OK;
  }
}
