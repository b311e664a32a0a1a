package dev.confide.cli.run;

import dev.confide.cas.client.CasClient;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.cli.cas.CasConnections;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.remote.ssh.PendingRuns;
import dev.confide.remote.ssh.RemoteOutputs;
import dev.confide.remote.ssh.SshConnection;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide runs fetch RUN}: bring home the committed outputs of a remote run whose
 * connection was lost — downloaded, checked against the tag the CAS committed, unsealed with the
 * key the CAS releases to the session's owner — and remove its directory on the host.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
    description = {"Fetch the committed outputs of a remote run that were not brought home, check them against the tag",
        "the CAS committed, unseal them into the run's outputs directory (or --outputs DIR), and remove the run's",
        "directory on the host."})
public final class RunsFetchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN", description = "The run, as 'confide runs list' names it.")
  String session;

  @Option(names = "--outputs", paramLabel = "DIR", description = "Where the outputs go (new or empty; default: the run's own).")
  Path outputs;

  @Option(names = "--host-key", paramLabel = "SHA256:...", description = "The host's key fingerprint, if no known_hosts entry names it.")
  String hostKey;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConfideDirs dirs = Main.dirs(spec);
    PendingRuns pending = new PendingRuns(dirs.data());
    PendingRuns.Pending run = pending.find(session).orElseThrow(() -> new CliFailure(ExitCodes.NO_INPUT, "no_such_run",
        "no run named " + session + " waits to be fetched", "see 'confide runs list'"));
    Path to = outputs != null ? outputs : run.outputs();
    EmbeddedCas embedded = null;
    CasClient pinned = null;
    try {
      CasClient cas;
      if (run.cas() == null) {
        embedded = ApplicationRunner.startEmbedded(dirs, EmbeddedCas.userIdentity(dirs));
        cas = embedded.client();
      } else {
        pinned = CasConnections.open(dirs, run.cas());
        cas = pinned;
      }
      long bytes;
      try (SshConnection ssh = RemoteHostOptions.connect(dirs, run.host(), hostKey)) {
        bytes = RemoteOutputs.fetch(ssh, cas, run.session(), run.dir(), to, dirs.data(),
            ProgressBars.forTerminal(spec, common));
      }
      pending.remove(run.session());
      new Output(spec.commandLine().getOut(), common.json).report("Fetched the outputs of " + run.session() + " into " + to + ".",
          Output.fields("run", run.session(), "host", run.host(), "outputs", to.toString(), "downloaded_bytes", bytes));
      return ExitCodes.OK;
    } finally {
      if (pinned != null) {
        pinned.close();
      }
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
