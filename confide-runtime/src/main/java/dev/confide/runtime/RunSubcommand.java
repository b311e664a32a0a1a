package dev.confide.runtime;

import dev.confide.attest.EvidenceProvider;
import dev.confide.attest.HostKey;
import dev.confide.attest.Measurer;
import dev.confide.attest.SimEvidenceProvider;
import dev.confide.cas.client.CasClient;
import dev.confide.runtime.events.RunEvent;
import dev.confide.runtime.events.RunEventCodec;
import dev.confide.runtime.events.RunFailures;
import dev.confide.runtime.events.RunLaunch;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide-runtime run}: one confidential run. The host names the session, the service and
 * where each volume's ciphertext lives; the command, its arguments and environment come from the
 * CAS. With {@code --events} standard output carries {@link RunEvent}s only, one per line.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Attest to the CAS, receive the service's configuration, open its volumes into private memory,",
        "run its command in a bubblewrap sandbox, then seal the writable volumes and move their tags at the CAS.",
        "Exits with the program's exit code. The program's output goes to " + ConfidentialRun.LOG_NAME
            + " in the first writable volume."})
final class RunSubcommand implements Callable<Integer> {
  @Mixin RunTargetOptions target;

  @Option(names = "--evidence", defaultValue = "auto", paramLabel = "KIND",
      description = "Which attestation evidence to produce: auto (the default: AMD SEV-SNP through configfs-tsm where the"
          + " kernel offers it, else sim), snp, or sim (simulated: protects nothing against the host's root).")
  String evidence;

  @Option(names = "--tsm-root", paramLabel = "DIR", hidden = true,
      description = "Where configfs-tsm's report entries are (default: /sys/kernel/config/tsm/report); for tests.")
  Path tsmRoot = dev.confide.attest.TsmEvidenceProvider.ROOT;

  @Option(names = "--host-key", paramLabel = "FILE",
      description = "The host's key that signs simulated evidence (0600, made by 'confide host init').")
  Path hostKey;

  @Option(names = "--host-key-hash", paramLabel = "HASH",
      description = "Refuse to run unless the host key is still the one with this hash (it may change while a runtime waits).")
  String hostKeyHash;

  @Option(names = "--digest-cache", paramLabel = "FILE",
      description = "Remember the digests of measured files here (0600), by each file's identity, so that an unchanged tree is not hashed again.")
  Path digestCache;

  @Option(names = "--staging-root", paramLabel = "DIR",
      description = "Where the private staging area goes (default: $XDG_RUNTIME_DIR, else /dev/shm).")
  Path stagingRoot;

  @Option(names = "--events", description = "Write the run's progress and result as JSON events, one per line, to standard output.")
  boolean events;

  @Option(names = "--cancel-on-stdin-close",
      description = "Cancel the run (nothing committed, staging wiped) when standard input closes: the client went away.")
  boolean cancelOnStdinClose;

  @Option(names = "--launch-on-stdin",
      description = {"Start, warm up, then read the run's launch (CAS, session, service, volumes) as one JSON line from",
          "standard input, instead of --cas, --cas-fingerprint, --session, --service and --volume (docs/runtime.md)."})
  boolean launchOnStdin;

  @Option(names = "--in-container",
      description = {"Run as a converted image's entrypoint: the run's options and the host key come from the container's",
          "environment (CONFIDE_CAS, CONFIDE_CAS_FINGERPRINT, CONFIDE_SESSION, CONFIDE_SERVICE, CONFIDE_VOLUMES,",
          "CONFIDE_HOST_KEY; docs/images.md) and the sandbox's root is the container's own."})
  boolean inContainer;

  @Option(names = "--debug", description = "Print stack traces.") boolean debug;

  @Spec CommandSpec spec;

  /** The longest launch line read (a few hundred bytes in practice). */
  static final int MAX_LAUNCH = 64 << 10;

  @Override
  public Integer call() throws Exception {
    ContainerLaunch container = null;
    if (inContainer) {
      if (launchOnStdin || target.anyGiven()) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--in-container takes the run's options from the container's environment; give them there only");
      }
      container = ContainerLaunch.from(System.getenv());
      evidence = container.evidence();
      hostKey = hostKey == null ? container.hostKey() : hostKey;
    }
    if (launchOnStdin && target.anyGiven()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--launch-on-stdin takes the run's options from standard input; give them there only");
    }
    if (!launchOnStdin && !inContainer) {
      target.require(spec.commandLine());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EventSink sink = events ? new EventSink(out) : null;
    // the measurement of this runtime's own code runs beside the set-up
    CompletableFuture<Measurer> measurer = CompletableFuture.supplyAsync(this::selfMeasurer,
        task -> Thread.ofPlatform().daemon().name("confide-measure").start(task));
    PhaseClock clock = new PhaseClock(sink == null ? phase -> { } : sink);
    try {
      RuntimeEnvironment.checkThisJvm();
      EvidenceProvider provider = provider();
      Sandbox sandbox = inContainer ? Bubblewrap.forContainer(distributionHome()) : Bubblewrap.find();
      RunLaunch launch;
      HeadStart.Ready ready = null;
      if (container != null) {
        launch = container.launch();
      } else if (launchOnStdin) {
        // what every run needs, done while the client still seals and makes the session
        WarmUp.run();
        join(measurer).warmUp();
        String line = readLine(System.in);
        java.util.Optional<dev.confide.runtime.events.RunApproach> approach = new RunEventCodec().decodeApproach(line);
        HeadStart head = approach.map(HeadStart::begin).orElse(null);
        launch = decodeLaunch(approach.isPresent() ? readLine(System.in) : line);
        ready = head == null ? null : head.forLaunch(launch);
      } else {
        launch = target.launch();
      }
      try (CasClient client = ready != null ? ready.client() : CasClient.connect("cas", launch.cas(), launch.casFingerprint(), null)) {
        ConfidentialRun run = new ConfidentialRun(client, join(measurer), provider, sandbox, err, ShutdownHooks.JVM,
            ready == null ? null : ready.opening());
        if (cancelOnStdinClose) {
          watchForClose(System.in, run);
        }
        RunReport report = run.run(new RunRequest(launch.session(), launch.service(), launch.volumes(), launch.streamOutput(),
            stagingRoot, launch.memoryBytes(), launch.hostArguments(), launch.hostEnvironment(), launch.start(), launch.plan()), clock);
        if (sink != null) {
          // the program's streamed output and every note came before: closing standard error says
          // so, and the client need not wait for this JVM's exit to know it has all of them
          err.flush();
          System.err.close();
          sink.emit(new RunEvent.Finished(report));
          // nothing follows it: over SSH, the channel's end of output (what tells the client it has
          // every note) comes once both streams are closed, not a third of a second later at exit
          out.close();
        } else {
          printReport(out, report);
        }
        return report.exitCode();
      }
    } catch (Exception e) {
      if (sink == null) {
        throw e;
      }
      sink.emit(RunFailures.describe(e));
      if (debug) {
        e.printStackTrace(err);
      }
      RunFailures.Report report = RunFailures.report(e);
      return report == null ? ExitCodes.SOFTWARE : report.exitCode();
    }
  }

  /**
   * The launch line, read byte by byte so that nothing after it is buffered away from the watch on
   * standard input; the end of input before it is the client cancelling.
   */
  static RunLaunch readLaunch(InputStream in) throws IOException {
    return decodeLaunch(readLine(in));
  }

  /** One line of the client's (an approach or the launch), without its newline. */
  private static String readLine(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new RuntimeFailure(RuntimeFailure.Kind.CANCELLED, "the client went away before it launched the run; nothing ran",
            "run it again");
      }
      if (line.size() >= MAX_LAUNCH) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "the launch line is longer than " + MAX_LAUNCH + " bytes",
            "send one JSON object on one line (docs/runtime.md)");
      }
      line.write(b);
    }
    return line.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static RunLaunch decodeLaunch(String line) {
    try {
      return new RunEventCodec().decodeLaunch(line);
    } catch (RunEventCodec.MalformedEventException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "the client sent " + e.getMessage(),
          "send one JSON object on one line (docs/runtime.md)");
    }
  }

  private EvidenceProvider provider() throws IOException {
    if (!java.util.List.of("auto", "sim", "snp", "tdx").contains(evidence)) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "this runtime produces no '" + evidence + "' evidence",
          "use --evidence auto, snp or sim");
    }
    boolean hardware = evidence.equals("snp") || evidence.equals("tdx")
        || evidence.equals("auto") && dev.confide.attest.TsmEvidenceProvider.detect(tsmRoot).isPresent();
    if (hardware) {
      try {
        EvidenceProvider tsm = dev.confide.attest.TsmEvidenceProvider.open(tsmRoot, "confide-" + ProcessHandle.current().pid());
        if (!evidence.equals("auto") && !tsm.platform().equals(evidence)) {
          throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "this host produces " + tsm.platform() + " evidence, not "
              + evidence, "use --evidence auto");
        }
        return tsm;
      } catch (dev.confide.attest.AttestationException e) {
        throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "this host cannot produce " + (evidence.equals("auto")
            ? "hardware" : evidence) + " evidence: " + e.getMessage(), e.hint());
      }
    }
    if (hostKey == null) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "simulated evidence needs the host's key",
          "pass --host-key FILE (made by 'confide host init')");
    }
    if (!Files.isRegularFile(hostKey)) {
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "this host has no key for attestation evidence (" + hostKey + ")",
          "create it with 'confide host init'");
    }
    HostKey key = HostKey.load(hostKey);
    if (hostKeyHash != null && !hostKeyHash.equals(key.keyHash())) {
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "the host key " + hostKey + " is not the one expected ("
          + key.keyHash() + ", not " + hostKeyHash + "): it was replaced", "run again");
    }
    return new SimEvidenceProvider(key);
  }

  /** The distribution this runtime runs from: the folder above its jar's {@code lib/}. */
  private static Path distributionHome() {
    Path jar = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]).toAbsolutePath();
    Path lib = jar.getParent();
    return lib == null || lib.getParent() == null ? Path.of("/") : lib.getParent();
  }

  private Measurer selfMeasurer() {
    try {
      return new Measurer(RuntimeDigest.ofThisJvm(),
          digestCache == null ? dev.confide.attest.FileDigests.inMemory() : dev.confide.attest.FileDigests.persistent(digestCache),
          StagingArea.memoryRoot(stagingRoot).flatMap(dev.confide.attest.ExecutableCopies::in).orElse(null));
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot measure the runtime: " + e.getMessage(),
          "check the runtime's installation");
    }
  }

  private static Measurer join(CompletableFuture<Measurer> measurer) {
    try {
      return measurer.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** Cancels {@code run} when {@code in} ends: the client that started this runtime is gone. */
  private static void watchForClose(InputStream in, ConfidentialRun run) {
    Thread.ofPlatform().daemon().name("confide-client-watch").start(() -> {
      try {
        while (in.read() >= 0) {
          // anything the client writes only says it is still there
        }
      } catch (IOException e) {
        // a broken pipe is a closed one
      }
      run.cancel();
    });
  }

  private static void printReport(PrintWriter out, RunReport r) {
    out.println((r.exitCode() == 0 ? "ran " : "ran (program exited with " + r.exitCode() + ") ") + r.session() + "/"
        + r.service() + " confidentially");
    out.println("  protection: " + r.protection());
    out.println("  measurement: " + r.measurement());
    for (RunReport.VolumeOutcome v : r.volumes()) {
      out.println("  volume " + v.volume() + ": " + (v.committed() ? v.oldTag() + " -> " + v.newTag() : "read-only " + v.oldTag()));
    }
    if (r.log() != null) {
      out.println("  program log: " + r.log());
    }
    if (!r.phaseMillis().isEmpty()) {
      // where a start's seconds went (a container's log shows this line)
      java.util.List<String> phases = new java.util.ArrayList<>();
      r.phaseMillis().forEach((phase, ms) -> phases.add(phase + " " + ms + " ms"));
      out.println("  phases: " + String.join(", ", phases));
    }
    out.flush();
  }

  /** Events to standard output, one line each, whole lines even when threads emit together. */
  static final class EventSink implements PhaseClock.Listener {
    private final PrintWriter out;
    private final RunEventCodec codec = new RunEventCodec();

    EventSink(PrintWriter out) {
      this.out = out;
    }

    synchronized void emit(RunEvent event) {
      out.println(codec.encode(event));
      out.flush();
    }

    @Override
    public void started(String phase) {
      emit(new RunEvent.PhaseStarted(phase));
    }

    @Override
    public void ended(String phase, long millis) {
      emit(new RunEvent.PhaseEnded(phase, millis));
    }

    @Override
    public void progress(String phase, long bytes, long total) {
      emit(new RunEvent.Progress(phase, bytes, total));
    }
  }
}
