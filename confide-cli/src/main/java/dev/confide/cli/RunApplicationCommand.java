package dev.confide.cli;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurement;
import dev.confide.attest.Measurer;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cas.client.CasClient;
import dev.confide.policy.SessionTemplate;
import dev.confide.runtime.Bubblewrap;
import dev.confide.runtime.ConfidentialRun;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.RunRequest;
import dev.confide.volume.Modes;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeReader;
import dev.confide.volume.VolumeSealer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
    if (!host.equals("local")) {
      throw new CliFailure(ExitCodes.USAGE, "unknown_host", "host '" + host + "' is not supported by this version",
          "use --host local");
    }
    Application app = Applications.of(dirs).find(application);
    String scriptName = script != null ? script : app.defaultScript();
    checkArguments(scriptName);
    Bubblewrap sandbox = Bubblewrap.find();
    HostKey hostKey = HostKeys.loadOrCreate(dirs);
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
    EmbeddedCas embedded = null;
    LocalRunDirectory runDir = null;
    try {
      Measurer measurer = clock.time("measure", () -> invocation.measurer().get());
      Measurement measurement = measurer.measure(List.of(app.executable()), app.path());
      runDir = LocalRunDirectory.create(dirs, inputs);
      Path inputVolume = runDir.dir().resolve("inputs");
      Path outputVolume = runDir.dir().resolve("outputs");
      SymmetricKey inputKey = SymmetricKey.generate();
      SymmetricKey outputKey = SymmetricKey.generate();
      Path finalRunDir = runDir.dir();
      SealResult in = clock.time("seal inputs", () -> new VolumeSealer().seal(inputs, inputVolume, inputKey,
          ProgressBars.forTerminal(invocation, err, output.json(), "run")));
      SealResult out = clock.time("seal inputs", () -> sealEmpty(finalRunDir, outputVolume, outputKey));
      CasClient cas;
      if (starting != null) {
        long waiting = System.nanoTime();
        embedded = started(starting);
        starting = null;
        clock.record("cas start (wait)", waiting);
        clock.add("cas start", casStartMillis);
        cas = embedded.client();
      } else {
        cas = CasConnections.open(dirs, casChoice.name);
      }
      String session = "run-" + app.name() + "-" + HexFormat.of().formatHex(randomBytes(6));
      Map<String, String> values = new LinkedHashMap<>();
      values.put("SESSION", session);
      values.put("SCRIPT", scriptName);
      values.put("MEASUREMENT", measurement.value());
      values.put("INPUTS_KEY", HexFormat.of().formatHex(inputKey.copyBytes()));
      values.put("INPUTS_TAG", in.tag().hex());
      values.put("OUTPUTS_KEY", HexFormat.of().formatHex(outputKey.copyBytes()));
      values.put("OUTPUTS_TAG", out.tag().hex());
      String text = SessionTemplate.fill(app.file().toString(), app.session(), values);
      clock.time("session", () -> {
        // this machine is the run's host: its simulated evidence is to count for the user's own sessions
        cas.trustSimHost(hostKey.keyHash());
        return cas.createSession(text);
      });
      ConfidentialRun confidential = new ConfidentialRun(cas, measurer, hostKey, sandbox, err);
      RunReport report;
      try (Cancellation.Registration stop = invocation.cancellation().onCancel(confidential::cancel)) {
        report = confidential.run(new RunRequest(session, "app", Map.of("inputs", inputVolume, "outputs", outputVolume),
            streamOutput, null), clock);
      }
      String committed = cas.volume(session, "outputs").tag();
      clock.time("unseal", () -> VolumeReader.load(outputVolume, outputKey, Tag.parse(committed)).extractTo(outputs,
          ProgressBars.uncancellable(invocation, err, output.json()), Modes.WITHOUT_SET_ID));
      RunReports.print(output, report,
          Output.fields("application", app.name(), "host", host, "cas", embedded != null ? "embedded (" + embedded.url() + ")"
              : casChoice.name == null ? "pinned" : casChoice.name, "outputs", outputs.toString()), clock.phases());
      return report.exitCode();
    } finally {
      if (runDir != null) {
        runDir.close();
      }
      if (starting != null) {
        // failed before the CAS was needed: it still has to stop
        try {
          embedded = started(starting);
        } catch (RuntimeException ignored) {
          // it did not start: nothing to stop
        }
      }
      if (embedded != null) {
        embedded.close();
      }
    }
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

  private void checkArguments(String scriptName) throws IOException {
    if (!Files.isDirectory(inputs)) {
      throw new CliFailure(ExitCodes.NO_INPUT, "no_inputs", "inputs directory " + inputs + " does not exist",
          "give the directory with the files to process");
    }
    if (scriptName.isEmpty() || scriptName.contains("..") || scriptName.startsWith("/") || scriptName.matches(".*['\"\\s].*")) {
      throw new CliFailure(ExitCodes.USAGE, "bad_script", "'" + scriptName + "' is not a script name inside the inputs",
          "name a file relative to INPUTS, without quotes or spaces");
    }
    if (!Files.isRegularFile(inputs.resolve(scriptName))) {
      throw new CliFailure(ExitCodes.NO_INPUT, "no_script", "the inputs hold no " + scriptName + " (" + inputs.resolve(scriptName) + ")",
          "put the script into INPUTS, or pick another with --script NAME");
    }
    if (Files.exists(outputs)) {
      if (!Files.isDirectory(outputs)) {
        throw new CliFailure(ExitCodes.CANT_CREATE, "outputs_exist", outputs + " exists and is not a directory", "give a new or empty directory");
      }
      dev.confide.volume.HostFile.requireOwnFolder(outputs, "outputs directory");
      try (var entries = Files.list(outputs)) {
        if (entries.findAny().isPresent()) {
          throw new CliFailure(ExitCodes.CANT_CREATE, "outputs_not_empty", "outputs directory " + outputs + " is not empty",
              "give a new or empty directory, so no earlier result is mistaken for this run's");
        }
      }
    }
  }

  private static SealResult sealEmpty(Path runDir, Path volume, SymmetricKey key) {
    try {
      Path empty = Files.createDirectory(runDir.resolve("empty"));
      SealResult r = new VolumeSealer().seal(empty, volume, key, Progress.NONE);
      Files.delete(empty);
      return r;
    } catch (IOException e) {
      throw new CliFailure(ExitCodes.IO, "run_dir", "cannot prepare the output volume: " + e.getMessage(), "check " + runDir);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
