package dev.confide.cli.run;

import dev.confide.attest.HostKey;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.CasPins;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.Cancellation;
import dev.confide.cli.CliFailure;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Install;
import dev.confide.cli.Invocation;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.cli.cas.CasConnections;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.remote.Application;
import dev.confide.remote.ApplicationRun;
import dev.confide.remote.Applications;
import dev.confide.remote.Host;
import dev.confide.remote.LocalHost;
import dev.confide.remote.ssh.ConfirmedPrograms;
import dev.confide.remote.ssh.HostMeasurements;
import dev.confide.remote.ssh.PendingRuns;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.KeptHosts;
import dev.confide.remote.ssh.SshHost;
import dev.confide.runtime.Bubblewrap;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A run as the CLI does it, for {@code confide run} and {@code confide demo}: the CAS (pinned, or
 * embedded and started beside the login and the sealing), the host ({@link LocalHost}, or a
 * remote {@link SshHost} logged in to), progress lines, the record of outputs left on a host, and
 * the report; the run itself is {@link ApplicationRun}'s.
 */
final class ApplicationRunner {
  /** What the user asked for; {@code casName} null: the pinned CAS, or an embedded one when none is. */
  record Options(String host, String application, Path inputs, Path outputs, String script, boolean streamOutput,
      String casName, String hostKey, boolean keep, RenderOptions render, String memory) {}

  /** How long the embedded CAS took to start, on its own thread. */
  private volatile long casStartMillis;
  /** How long telling the embedded CAS of this machine's own host took, on the CAS's thread. */
  private volatile long casTrustMillis;
  /** The key hash of the host the embedded CAS was told of on its thread (null: none). */
  private volatile String casTrusted;
  /** Runs {@code o} on its host; the program's exit code, or a failure for the CLI to report. */
  int run(Invocation invocation, Output output, java.io.PrintWriter err, Options o) throws Exception {
    String application = o.application();
    Path inputs = o.inputs();
    Path outputs = o.outputs();
    String script = o.script();
    boolean streamOutput = o.streamOutput();
    // before any key or session travels: an agent or a TLS debug log would see them
    dev.confide.runtime.RuntimeEnvironment.checkThisJvm();
    ConfideDirs dirs = invocation.dirs();
    PhaseClock clock = new PhaseClock(new RunProgress(err, output.json(), ProgressBars.uncancellable(invocation, err,
        output.json()), invocation.terminal() && !output.json()));
    clock.record("jvm start", System.nanoTime() - (System.currentTimeMillis() - invocation.launchedAtMillis()) * 1_000_000);
    Application app = applications(dirs).find(application);
    RenderOptions render = o.render() == null ? new RenderOptions() : o.render();
    if (render.anyGiven() && !app.takesJob()) {
      throw new CliFailure(ExitCodes.USAGE, "no_scenes", "application " + app.name() + " renders no scene: --scene and its"
          + " options are for an application whose session takes a job ($JOB), as blender's does", "leave them out, or run"
          + " --application blender");
    }
    if (render.anyGiven() && script != null) {
      throw new CliFailure(ExitCodes.USAGE, "scene_and_script", "--scene and --script name two different jobs",
          "give one of them");
    }
    String toRun = render.scene != null ? null : script != null ? script : app.defaultScript();
    Long memory = o.memory() != null ? Long.valueOf(MemorySize.parse(o.memory(), "--memory"))
        : app.memory() != null ? Long.valueOf(MemorySize.parse(app.memory(), "application " + app.name() + "'s memory"))
        : null;
    ApplicationRun.Request request = new ApplicationRun.Request(app, toRun, render.job(toRun), inputs, outputs, streamOutput,
        o.keep(), memory);
    ApplicationRun.check(request);
    if (render.scene != null) {
      Path scene = inputs.resolve(render.scene).normalize();
      if (!scene.startsWith(inputs.normalize()) || !java.nio.file.Files.isRegularFile(scene)) {
        throw new CliFailure(ExitCodes.NO_INPUT, "no_scene", "there is no scene " + render.scene + " in " + inputs,
            "give the .blend file's path relative to --inputs");
      }
    }
    HostKey localKey = null;
    if (o.host().equals(LocalHost.NAME)) {
      if (o.hostKey() != null) {
        throw new CliFailure(ExitCodes.USAGE, "host_key_local", "--host-key is for remote hosts", "leave it out for --host local");
      }
      if (o.keep()) {
        throw new CliFailure(ExitCodes.USAGE, "keep_local", "--keep keeps a remote host's run directory; a local run leaves none",
            "leave it out for --host local");
      }
      Bubblewrap.find(); // the sandbox is missing: say so before anything is set up
      localKey = HostKeys.loadOrCreate(dirs);
    }
    // The embedded CAS starts on a thread of its own while this one connects, measures and seals:
    // on two cores that hides most of the CAS's start (it waits on the disk and on class initialisation).
    CompletableFuture<EmbeddedCas> starting = null;
    if (o.casName() == null && new dev.confide.cas.client.CasPins(dirs.config()).all().isEmpty()) {
      TlsIdentity user = EmbeddedCas.userIdentity(dirs);
      // a local run's host is this machine: the CAS is told to count its simulated evidence for the
      // user's sessions as soon as it is up, beside the measuring (its first TLS handshake with it)
      String ownHost = localKey == null ? null : localKey.keyHash();
      starting = CompletableFuture.supplyAsync(() -> {
        long started = System.nanoTime();
        EmbeddedCas cas = startEmbedded(dirs, user);
        casStartMillis = (System.nanoTime() - started) / 1_000_000;
        if (ownHost != null) {
          long trusting = System.nanoTime();
          try {
            cas.client().trustSimHost(ownHost);
            casTrustMillis = (System.nanoTime() - trusting) / 1_000_000;
            casTrusted = ownHost;
          } catch (RuntimeException e) {
            try {
              cas.close();
            } catch (Exception notClosed) {
              e.addSuppressed(notClosed);
            }
            throw e;
          }
        }
        return cas;
      }, task -> Thread.ofPlatform().name("confide-cas-start").start(task)); // not the common pool: see CasServer
    }
    HostKey hostKey = localKey;
    try (Host chosen = clock.timed("connect", () -> host(invocation, dirs, output, err, o, hostKey))) {
      return run(invocation, output, err, o, app, request, clock, chosen, starting);
    } finally {
      if (starting != null) {
        // whether or not the run got to it, a CAS that started has to stop
        EmbeddedCas started = null;
        try {
          started = started(starting);
        } catch (RuntimeException ignored) {
          // it did not start: nothing to stop
        }
        if (started != null) {
          // a daemon stops it after its reply: the user's command need not wait for that
          invocation.afterReply().close(started);
        }
      }
    }
  }

  /**
   * The host the run goes to: a remote one logged in to (the SSH connection closes with it), or this
   * machine with its host key {@code localKey}.
   */
  private static Host host(Invocation invocation, ConfideDirs dirs, Output output, java.io.PrintWriter err,
      Options o, HostKey localKey) throws Exception {
    if (!o.host().equals(LocalHost.NAME)) {
      // a daemon's kept connection to this host (its next run already prepared there), or a login now
      var runtime = invocation.runtime().get();
      HostProfile profile = RemoteHostOptions.profile(dirs, o.host());
      KeptHosts.Lease lease = invocation.keptHosts().lease(runtime,
          () -> KeptHosts.Key.of(profile, RemoteHostOptions.knownHosts(dirs), o.hostKey(), runtime),
          () -> RemoteHostOptions.connect(dirs, profile, o.hostKey(), invocation.sshAgent(), invocation.mayAsk()));
      SshHost remote = new SshHost(lease, runtime, dirs.data(), err, new SshHost.Progresses(
          ProgressBars.forTerminal(invocation, err, output.json(), "run"), ProgressBars.forTerminal(invocation, err, output.json(),
          "run"), ProgressBars.forTerminal(invocation, err, output.json(), "run")),
          new ConfirmedPrograms(new HostMeasurements(dirs.config()), RemoteHostOptions.programApproval(invocation.mayAsk())));
      return remote;
    }
    return new LocalHost(dirs.data(), invocation.runtime().get(), HostInitCommand.keyFile(dirs), localKey.keyHash(), err,
        invocation.runtimes());
  }

  private int run(Invocation invocation, Output output, java.io.PrintWriter err, Options o, Application app,
      ApplicationRun.Request request, PhaseClock clock, Host local, CompletableFuture<EmbeddedCas> starting) throws Exception {
    ConfideDirs dirs = invocation.dirs();
    String host = o.host();
    Path outputs = o.outputs();
    EmbeddedCas[] embedded = {null};
    CasClient[] pinned = {null};
    CompletableFuture<EmbeddedCas> startingCas = starting;
    CasPins.Pin pin = starting == null ? CasConnections.pin(dirs, o.casName()) : null;
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
          if (casTrusted != null) {
            clock.add("trust host", casTrustMillis);
          }
          return new ApplicationRun.Cas(embedded[0].client(), URI.create(embedded[0].url()), embedded[0].fingerprint(),
              casTrusted);
        }
        return new ApplicationRun.Cas(pinned[0], pin.url(), pin.fingerprint(), null);
      }, ProgressBars.forTerminal(invocation, err, output.json(), "run"), ProgressBars.uncancellable(invocation, err, output.json()),
          (session, hostName, location, leftFor) -> new PendingRuns(dirs.data()).add(new PendingRuns.Pending(session, hostName,
              location, leftFor, pin == null ? null : pin.name(), app.name())));
      ApplicationRun.Result result;
      try (Cancellation.Registration stop = invocation.cancellation().onCancel(job::cancel)) {
        result = job.run(request, clock);
      }
      RunReport report = result.report();
      var fields = Output.fields("application", app.name(), "host", host, "cas", embedded[0] != null ? "embedded ("
          + embedded[0].url() + ")" : o.casName() == null ? "pinned" : o.casName(), "outputs", outputs.toString());
      result.kept().ifPresent(dir -> fields.put("kept_on_host", dir));
      RunReports.print(output, err, report, hostLog(report, outputs), fields, clock.phases());
      return report.exitCode();
    } finally {
      if (pinned[0] != null) {
        pinned[0].close();
      }
    }
  }

  /**
   * Where the program's log is on this machine: the runtime names it inside the sandbox (in the
   * outputs volume's mount), and the outputs were unsealed into {@code outputs}; null when it is elsewhere.
   */
  static Path hostLog(RunReport report, Path outputs) {
    if (report.log() == null) {
      return null;
    }
    for (RunReport.VolumeOutcome v : report.volumes()) {
      String mount = v.path().endsWith("/") ? v.path() : v.path() + "/";
      if (v.volume().equals("outputs") && report.log().startsWith(mount)) {
        Path local = outputs.resolve(report.log().substring(mount.length())).normalize();
        return local.startsWith(outputs) ? local : null;
      }
    }
    return null;
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

  /** The embedded CAS started, or one line saying why it could not start. */
  static EmbeddedCas startEmbedded(ConfideDirs dirs, TlsIdentity user) {
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
