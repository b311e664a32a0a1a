package dev.confide.remote;

import dev.confide.attest.Measurement;
import dev.confide.cas.client.CasClient;
import dev.confide.policy.SessionTemplate;
import dev.confide.runtime.ExitCodes;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.volume.HostFile;
import dev.confide.volume.Modes;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeReader;
import dev.confide.volume.VolumeSealer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The user's side of running an application on a host: check the request, measure the
 * application, seal the inputs into the host's run directory, create the run's session from the
 * application's template (the inputs' key and tag go to the CAS only), have the host start the
 * runtime, which creates the output volume under a key the CAS makes, then get that key from the
 * CAS (released to the session's owner only) and unseal the outputs at the tag the CAS committed —
 * never at one the host reports.
 */
public final class ApplicationRun {
  /** The service of an application's session that runs it. */
  public static final String SERVICE = "app";

  private final Host host;
  private final Supplier<Cas> cas;
  private final Progress sealing;
  private final Progress unsealing;
  private final LeftOutputs left;
  private volatile HostRun current;
  private volatile boolean cancelled;

  /**
   * The CAS a run uses: the user's authenticated client (creates the session, reads the committed
   * tag), and where the host's runtime reaches it, pinned by its key's fingerprint; {@code trustedHost}
   * the key hash of a host of the user's the CAS was already told of (null: none), which the run
   * then does not tell it again.
   */
  public record Cas(CasClient client, URI url, String fingerprint, String trustedHost) {
    /** A CAS not yet told of any host of the user's. */
    public Cas(CasClient client, URI url, String fingerprint) {
      this(client, url, fingerprint, null);
    }
  }

  /** What the user asked for. */
  /**
   * {@code script}: the script run (null: the job renders a scene); {@code job}: the run's job as JSON, for an application that takes one ($JOB: the script, or a
   * scene to render); {@code keep}: the host keeps the run's directory (ciphertext only) afterwards,
   * where it has one; {@code memoryBytes}: the most memory the program may use (null: no limit).
   */
  public record Request(Application application, String script, String job, Path inputs, Path outputs, boolean streamOutput,
      boolean keep, Long memoryBytes) {}

  /**
   * Told about a run whose outputs the CAS committed but that could not be brought home (the
   * connection to its host was lost): its directory there is kept, for {@code confide runs fetch}.
   */
  @FunctionalInterface
  public interface LeftOutputs {
    void left(String session, String host, String location, Path outputs) throws IOException;

    LeftOutputs NONE = (session, host, location, outputs) -> { };
  }

  /** What the run did, with the session it ran as. */
  /** {@code kept}: where the host keeps the run's directory, if it was asked to. */
  public record Result(RunReport report, String session, java.util.Optional<String> kept) {}

  /**
   * @param cas the CAS, asked for once the inputs are sealed (an embedded one starts meanwhile)
   * @param sealing progress of sealing the inputs; {@code unsealing} of unsealing the outputs
   */
  public ApplicationRun(Host host, Supplier<Cas> cas, Progress sealing, Progress unsealing) {
    this(host, cas, sealing, unsealing, LeftOutputs.NONE);
  }

  /** @param left told about committed outputs left on a host */
  public ApplicationRun(Host host, Supplier<Cas> cas, Progress sealing, Progress unsealing, LeftOutputs left) {
    this.host = host;
    this.cas = cas;
    this.sealing = sealing;
    this.unsealing = unsealing;
    this.left = left;
  }

  /** Checks {@code request} before anything is sealed or sent: one line on what is wrong and how to fix it. */
  public static void check(Request request) throws IOException {
    Path inputs = request.inputs();
    Path outputs = request.outputs();
    String script = request.script();
    if (Files.exists(inputs) && !Files.isDirectory(inputs)) {
      throw new JobException(ExitCodes.USAGE, "inputs_not_a_directory", "--inputs " + inputs + " is a file, not a directory",
          "put the file into a directory of its own and give that directory");
    }
    if (!Files.isDirectory(inputs)) {
      throw new JobException(ExitCodes.NO_INPUT, "no_inputs", "inputs directory " + inputs + " does not exist",
          "give the directory with the files to process");
    }
    Path realInputs = inputs.toRealPath();
    Path outputsAt = outputs.toAbsolutePath().normalize();
    Path existing = outputsAt;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && existing.toRealPath().resolve(existing.relativize(outputsAt)).startsWith(realInputs)) {
      throw new JobException(ExitCodes.USAGE, "outputs_inside_inputs", "--outputs " + outputs + " is inside --inputs " + inputs,
          "give an outputs directory outside the inputs (they are sealed as they are when the run starts)");
    }
    if (script != null && (script.isEmpty() || script.contains("..") || script.startsWith("/")
        || script.matches(".*['\"\\s].*"))) {
      throw new JobException(ExitCodes.USAGE, "bad_script", "'" + script + "' is not a script name inside the inputs",
          "name a file relative to INPUTS, without quotes or spaces");
    }
    if (script != null && !Files.isRegularFile(inputs.resolve(script))) {
      throw new JobException(ExitCodes.NO_INPUT, "no_script", "the inputs hold no " + script + " (" + inputs.resolve(script)
          + ")", "put the script into INPUTS, or pick another with --script NAME");
    }
    checkOutputs(outputs);
  }

  /**
   * Checks that {@code outputs} can take a run's outputs: absent, or an empty folder of the user's
   * own (no earlier result is mistaken for this run's, no one else's folder is written into).
   */
  public static void checkOutputs(Path outputs) throws IOException {
    if (Files.exists(outputs)) {
      if (!Files.isDirectory(outputs)) {
        throw new JobException(ExitCodes.CANT_CREATE, "outputs_exist", outputs + " exists and is not a directory",
            "give a new or empty directory");
      }
      HostFile.requireOwnFolder(outputs, "outputs directory");
      try (var entries = Files.list(outputs)) {
        if (entries.findAny().isPresent()) {
          throw new JobException(ExitCodes.CANT_CREATE, "outputs_not_empty", "outputs directory " + outputs + " is not empty",
              "give a new or empty directory, so no earlier result is mistaken for this run's");
        }
      }
    }
  }

  /** Runs {@code request} on the host; {@code clock} gets every phase, the host's runtime's included. */
  public Result run(Request request, PhaseClock clock) throws Exception {
    check(request);
    Application app = request.application();
    // the host's runtime starts first: it warms up while this side measures, seals and makes the session
    try (HostRun run = clock.timed("prepare host", () -> host.prepare(request.inputs()))) {
      current = run;
      if (request.keep()) {
        run.keep();
      }
      long measuring = System.nanoTime();
      clock.starting("measure");
      Measurement measurement = measure(app);
      clock.record("measure", measuring);
      SymmetricKey inputKey = SymmetricKey.generate();
      // the output volume is made on the host, so its key is made by the CAS and released to this
      // user after the run; a template that names $OUTPUTS_KEY still gets one made here
      boolean ownOutputsKey = app.session().contains("$OUTPUTS_KEY");
      SymmetricKey outputKey = ownOutputsKey ? SymmetricKey.generate() : null;
      SealResult[] in = new SealResult[1];
      SealResult[] out = new SealResult[1];
      put(run, "inputs", clock, dir -> in[0] = new VolumeSealer().seal(request.inputs(), dir, inputKey, sealing));
      if (ownOutputsKey) {
        put(run, "outputs", clock, dir -> out[0] = sealEmpty(dir, outputKey));
      }
      Cas access = cas.get();
      // the runtime connects to the CAS and makes its keys while this side makes the session
      run.approach(access.url(), access.fingerprint());
      // what the session will start, as the measurement above assumed: the runtime measures it at once
      dev.confide.cas.api.RunPlan expected = app.path() == null ? null
          : new dev.confide.cas.api.RunPlan(app.executable(), app.path(), app.measuredTrees());
      String session = "run-" + app.name() + "-" + HexFormat.of().formatHex(randomBytes(6));
      Map<String, String> values = new LinkedHashMap<>();
      values.put("SESSION", session);
      values.put("SCRIPT", request.script() == null ? "" : request.script());
      java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
      values.put("JOB", base64.encodeToString(request.job().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      byte[] start = app.startScriptBytes();
      if (start != null) {
        values.put("START", base64.encodeToString(start));
      }
      values.put("MEASUREMENT", measurement.value());
      values.put("MEASURED_TREES", app.measuredTreesValue());
      values.put("INPUTS_KEY", HexFormat.of().formatHex(inputKey.copyBytes()));
      values.put("INPUTS_TAG", in[0].tag().hex());
      if (ownOutputsKey) {
        values.put("OUTPUTS_KEY", HexFormat.of().formatHex(outputKey.copyBytes()));
        values.put("OUTPUTS_TAG", out[0].tag().hex());
      }
      String text = SessionTemplate.fill(app.file().toString(), app.session(), values);
      // a host the user owns: its simulated evidence is to count for the user's own sessions
      host.ownedSimKeyHash().filter(hash -> !hash.equals(access.trustedHost()))
          .ifPresent(hash -> clock.time("trust host", () -> access.client().trustSimHost(hash)));
      clock.time("session", () -> access.client().createSession(text));
      if (cancelled) {
        run.cancel();
      }
      RunReport report;
      try {
        report = run.run(new RuntimeLaunch(access.url(), access.fingerprint(), session, SERVICE,
            List.of("inputs", "outputs"), request.streamOutput(), request.memoryBytes(), expected), forwardTo(clock));
      } catch (Exception e) {
        throw leftBehind(run, access, session, request, e);
      }
      // the tag the CAS committed, not the one the host reported
      Tag committed = access.client().volume(session, "outputs").tag();
      if (committed == null) {
        throw new JobException(ExitCodes.INTEGRITY, "no_committed_outputs", "the CAS holds no committed state of run "
            + session + "'s outputs, though the host reported a finished run", "run it again; if it recurs, the host is not to be trusted");
      }
      SymmetricKey readKey = ownOutputsKey ? outputKey : clock.time("outputs key",
          () -> access.client().volumeKey(session, "outputs"));
      try {
        get(run, "outputs", clock, dir -> {
          VolumeReader.load(dir, readKey, committed).extractTo(request.outputs(), unsealing, Modes.WITHOUT_SET_ID);
          return null;
        });
      } catch (JobException e) {
        // the outputs are committed: whatever kept them from coming home, they can be fetched later
        throw leftBehind(run, access, session, request, e);
      }
      return new Result(report, session, request.keep() ? run.location() : java.util.Optional.empty());
    } finally {
      current = null;
    }
  }

  /**
   * What a run that failed after its launch becomes: when its host keeps run directories and the
   * CAS committed its outputs, the directory is kept and the user told how to fetch them;
   * otherwise the failure as it was.
   */
  private Exception leftBehind(HostRun run, Cas access, String session, Request request, Exception e) {
    if (run.location().isEmpty()) {
      return e;
    }
    Tag committed;
    try {
      committed = access.client().volume(session, "outputs").tag();
    } catch (RuntimeException unknown) {
      return e;
    }
    if (committed == null) {
      return e;
    }
    run.keep();
    try {
      left.left(session, host.name(), run.location().get(), request.outputs());
    } catch (IOException notRecorded) {
      e.addSuppressed(notRecorded);
    }
    return new JobException(ExitCodes.UNAVAILABLE, "outputs_not_fetched", "run " + session + " committed its outputs on "
        + host.name() + ", but they were not brought home (" + e.getMessage() + ")", "fetch them with 'confide runs fetch "
        + session + "'; they stay on the host for a week", e);
  }

  /** Stops a run under way from another thread: the host's runtime commits nothing and wipes its staging area. */
  public void cancel() {
    cancelled = true;
    HostRun run = current;
    if (run != null) {
      run.cancel();
    }
  }

  private Measurement measure(Application app) throws dev.confide.attest.AttestationException {
    try {
      return host.measure(app);
    } catch (IOException e) {
      throw new JobException(ExitCodes.IO, "runtime_unreadable", "cannot measure " + app.executable() + " on host "
          + host.name() + ": " + e.getMessage(), "check the Confide installation there");
    }
  }

  /** The runtime's phases into the user's clock, so that the report shows the whole run. */
  private static PhaseClock.Listener forwardTo(PhaseClock clock) {
    return new PhaseClock.Listener() {
      @Override
      public void started(String phase) {
        clock.starting(phase);
      }

      @Override
      public void ended(String phase, long millis) {
        clock.add(phase, millis);
      }

      @Override
      public void progress(String phase, long bytes, long total) {
        clock.progressed(phase, bytes, total);
      }
    };
  }

  private static void put(HostRun run, String name, PhaseClock clock, HostRun.VolumeWriter writer) {
    try {
      run.put(name, clock, writer);
    } catch (IOException e) {
      throw new JobException(ExitCodes.IO, "run_dir", "cannot put volume " + name + " on the host: " + e.getMessage(),
          "check the host's free space");
    }
  }

  private static <T> T get(HostRun run, String name, PhaseClock clock, HostRun.VolumeReading<T> reader) {
    try {
      return run.get(name, clock, reader);
    } catch (IOException e) {
      throw new JobException(ExitCodes.IO, "run_dir", "cannot get volume " + name + " from the host: " + e.getMessage(),
          "check the host and this machine's free space");
    }
  }

  private static SealResult sealEmpty(Path volume, SymmetricKey key) throws IOException {
    Path empty = Files.createTempDirectory("confide-empty-");
    try {
      return new VolumeSealer().seal(empty, volume, key, Progress.NONE);
    } finally {
      Files.delete(empty);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }
}
