package dev.confide.cli;

import dev.confide.attest.HostKey;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.CasPins;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.remote.Application;
import dev.confide.remote.ApplicationRun;
import dev.confide.remote.Applications;
import dev.confide.remote.LocalHost;
import dev.confide.runtime.Bubblewrap;
import dev.confide.runtime.ConfidentialRun;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide run}: the user's command. Seals INPUTS, creates an empty output volume and the
 * run's session from the application's template, runs the runtime on the host, checks the outputs'
 * tag with the CAS and unseals them into OUTPUTS.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run an application confidentially on encrypted inputs and unseal its outputs.",
        "Without --cas (and with no CAS pinned) a CAS starts inside this process, keeping its data in",
        "the user's data directory. The program's own output is in OUTPUTS/" + ConfidentialRun.LOG_NAME + "."})
final class RunApplicationCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "local", paramLabel = "HOST",
      description = "Where to run; this version runs on 'local' (this machine, default).")
  String host;

  @Option(names = "--application", required = true, paramLabel = "APP",
      description = "Which application: python, blender, or one of yours in CONFIG/applications/APP.yaml.")
  String application;

  @Option(names = "--inputs", required = true, paramLabel = "DIR", description = "The plaintext inputs (sealed before they leave).")
  Path inputs;

  @Option(names = "--outputs", required = true, paramLabel = "DIR", description = "Where the outputs go (new or empty).")
  Path outputs;

  @Option(names = "--script", paramLabel = "NAME", description = "The script in INPUTS to run (default: the application's, main.py).")
  String script;

  @Option(names = "--stream-output", description = "Show the program's output live (only if the application's session allows it).")
  boolean streamOutput;

  @Mixin CasChoice casChoice = new CasChoice();

  /** What the user is told as each phase starts (the others are too short to mention). */
  private static final Map<String, String> PROGRESS = Map.of(
      "seal inputs", "sealing the inputs",
      "attest", "attesting to the CAS",
      "program", "running the program in the sandbox (its output goes to " + ConfidentialRun.LOG_NAME + ")",
      "seal+swap", "sealing the outputs and committing their tag",
      "unseal", "unsealing the outputs");

  /** How long the embedded CAS took to start, on its own thread. */
  private volatile long casStartMillis;
  @Mixin CommonOptions common = new CommonOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    return run(Main.invocation(spec), new Output(spec.commandLine().getOut(), common.json), spec.commandLine().getErr());
  }

  /** The run, for this command and for {@code confide demo}. */
  int run(Invocation invocation, Output output, java.io.PrintWriter err) throws Exception {
    // before any key or session travels: an agent or a TLS debug log would see them
    dev.confide.runtime.RuntimeEnvironment.checkThisJvm();
    ConfideDirs dirs = invocation.dirs();
    java.util.Set<String> told = new java.util.HashSet<>();
    PhaseClock clock = output.json() ? new PhaseClock() : new PhaseClock(phase -> {
      String what = PROGRESS.get(phase);
      if (what != null && told.add(phase)) {
        err.println("confide: " + what + " ...");
        err.flush();
      }
    });
    clock.record("jvm start", System.nanoTime() - (System.currentTimeMillis() - invocation.launchedAtMillis()) * 1_000_000);
    if (!host.equals(LocalHost.NAME)) {
      throw new CliFailure(ExitCodes.USAGE, "unknown_host", "host '" + host + "' is not supported by this version",
          "use --host " + LocalHost.NAME);
    }
    Application app = applications(dirs).find(application);
    ApplicationRun.Request request = new ApplicationRun.Request(app, script != null ? script : app.defaultScript(), inputs,
        outputs, streamOutput);
    ApplicationRun.check(request);
    Bubblewrap.find(); // the sandbox is missing: say so before anything is sealed
    HostKey hostKey = HostKeys.loadOrCreate(dirs);
    LocalHost local = new LocalHost(dirs.data(), invocation.runtime().get(), HostInitCommand.keyFile(dirs), hostKey.keyHash(), err,
        invocation.runtimes());
    // The embedded CAS starts on a thread of its own while this one measures and seals: on two
    // cores that hides most of the CAS's start (it waits on the disk and on class initialisation).
    CompletableFuture<EmbeddedCas> starting = null;
    if (casChoice.name == null && new dev.confide.cas.client.CasPins(dirs.config()).all().isEmpty()) {
      TlsIdentity user = EmbeddedCas.userIdentity(dirs);
      starting = CompletableFuture.supplyAsync(() -> {
        long started = System.nanoTime();
        EmbeddedCas cas = startEmbedded(dirs, user);
        casStartMillis = (System.nanoTime() - started) / 1_000_000;
        return cas;
      }, task -> Thread.ofPlatform().name("confide-cas-start").start(task)); // not the common pool: see CasServer
    }
    EmbeddedCas[] embedded = {null};
    CasClient[] pinned = {null};
    CompletableFuture<EmbeddedCas> startingCas = starting;
    CasPins.Pin pin = starting == null ? CasConnections.pin(dirs, casChoice.name) : null;
    try {
      if (pin != null) {
        pinned[0] = CasConnections.open(dirs, pin.name());
      }
      ApplicationRun job = new ApplicationRun(local, () -> {
        if (startingCas != null) {
          long waiting = System.nanoTime();
          embedded[0] = started(startingCas);
          clock.record("cas start (wait)", waiting);
          clock.add("cas start", casStartMillis);
          return new ApplicationRun.Cas(embedded[0].client(), URI.create(embedded[0].url()), embedded[0].fingerprint());
        }
        return new ApplicationRun.Cas(pinned[0], pin.url(), pin.fingerprint());
      }, ProgressBars.forTerminal(invocation, err, output.json(), "run"), ProgressBars.uncancellable(invocation, err, output.json()));
      ApplicationRun.Result result;
      try (Cancellation.Registration stop = invocation.cancellation().onCancel(job::cancel)) {
        result = job.run(request, clock);
      }
      RunReport report = result.report();
      RunReports.print(output, report,
          Output.fields("application", app.name(), "host", host, "cas", embedded[0] != null ? "embedded (" + embedded[0].url() + ")"
              : casChoice.name == null ? "pinned" : casChoice.name, "outputs", outputs.toString()), clock.phases());
      return report.exitCode();
    } finally {
      if (pinned[0] != null) {
        pinned[0].close();
      }
      if (starting != null) {
        // whether or not the run got to it, a CAS that started has to stop
        try {
          embedded[0] = started(starting);
        } catch (RuntimeException ignored) {
          // it did not start: nothing to stop
        }
      }
      if (embedded[0] != null) {
        embedded[0].close();
      }
    }
  }

  static Applications applications(ConfideDirs dirs) {
    List<Path> search = new ArrayList<>();
    search.add(dirs.config().resolve("applications"));
    Install.home().ifPresent(home -> search.add(home.resolve("examples").resolve("applications")));
    return new Applications(search);
  }

  /** The started CAS, or the failure that stopped it, as thrown by {@link #startEmbedded}. */
  private static EmbeddedCas started(CompletableFuture<EmbeddedCas> starting) {
    try {
      return starting.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static EmbeddedCas startEmbedded(ConfideDirs dirs, TlsIdentity user) {
    try {
      return EmbeddedCas.start(dirs, user);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CliFailure(ExitCodes.UNAVAILABLE, "cas_unavailable", "cannot start the embedded CAS in "
          + EmbeddedCas.dataDir(dirs) + ": " + e.getMessage(), "check that directory, or start a CAS and pass --cas NAME");
    }
  }
}
