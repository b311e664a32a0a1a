package dev.confide.runtime;

import dev.confide.attest.AttestationException;
import dev.confide.attest.EvidenceProvider;
import dev.confide.attest.HostKey;
import dev.confide.attest.Measurer;
import dev.confide.attest.SimEvidenceProvider;
import dev.confide.cas.api.RunConfiguration.Mount;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.client.CasClient;
import dev.confide.policy.RunCommand;
import dev.confide.volume.Tag;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One confidential run, start to end: attest; open the volumes into private memory; write the
 * injection files; run the command in the sandbox with the CAS's environment only; put its output
 * into the output volume; seal each writable volume and swap its tag; wipe the staging area —
 * also when anything fails and when the JVM is asked to stop (Ctrl-C, SIGTERM).
 */
public final class ConfidentialRun {
  /** The program's output inside the first writable volume. */
  public static final String LOG_NAME = "confide-run.log";
  /** Characters of one output line read for progress; the rest of a longer line only goes to the log. */
  private static final int MAX_PROGRESS_LINE = 4096;
  /**
   * How long a stop request (SIGTERM, Ctrl-C) waits for the run to end before the staging area is
   * wiped under it: a commit already under way finishes, and the JVM halts only afterwards. Well
   * inside systemd's default 90 s before SIGKILL.
   */
  static final long STOP_GRACE_SECONDS = 60;

  private final CasClient cas;
  private final Measurer measurer;
  private final EvidenceProvider evidence;
  private final Sandbox sandbox;
  private final PrintWriter notices;
  private final ShutdownHooks hooks;
  private final Attestor.Opening opening;
  /** Set by {@link #cancel}; checked before the program starts and before anything is committed. */
  private volatile boolean cancelled;
  private volatile Process running;

  /** {@code notices} receives the program's live output when streaming is allowed, and notes about the run. */
  public ConfidentialRun(CasClient cas, Measurer measurer, HostKey hostKey, PrintWriter notices) {
    this(cas, measurer, hostKey, Bubblewrap.find(), notices);
  }

  public ConfidentialRun(CasClient cas, Measurer measurer, HostKey hostKey, Sandbox sandbox, PrintWriter notices) {
    this(cas, measurer, hostKey, sandbox, notices, ShutdownHooks.JVM);
  }

  /** Simulated evidence signed with {@code hostKey}. */
  public ConfidentialRun(CasClient cas, Measurer measurer, HostKey hostKey, Sandbox sandbox, PrintWriter notices,
      ShutdownHooks hooks) {
    this(cas, measurer, new SimEvidenceProvider(hostKey), sandbox, notices, hooks);
  }

  public ConfidentialRun(CasClient cas, Measurer measurer, EvidenceProvider evidence, Sandbox sandbox, PrintWriter notices,
      ShutdownHooks hooks) {
    this(cas, measurer, evidence, sandbox, notices, hooks, null);
  }

  /** A run whose keys and first nonce were made ahead of its launch ({@link HeadStart}; null: none). */
  ConfidentialRun(CasClient cas, Measurer measurer, EvidenceProvider evidence, Sandbox sandbox, PrintWriter notices,
      ShutdownHooks hooks, Attestor.Opening opening) {
    this.opening = opening;
    this.cas = cas;
    this.measurer = measurer;
    this.evidence = evidence;
    this.sandbox = sandbox;
    this.notices = notices;
    this.hooks = hooks;
  }

  public RunReport run(RunRequest request, PhaseClock clock) throws AttestationException {
    RuntimeEnvironment.checkThisJvm();
    StagingArea staging = StagingArea.create(request.stagingRoot());
    CountDownLatch ended = new CountDownLatch(1);
    // The JVM halts when this hook returns, wherever the run's own thread is: it must not be left
    // sealing a volume then. Cancelling first makes that thread refuse to commit once the program
    // is gone; a commit it had already begun is waited for.
    Thread wipeOnExit = new Thread(() -> {
      cancel();
      try {
        ended.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      staging.close();
    }, "confide-wipe");
    hooks.add(wipeOnExit);
    TokenRenewal renewal = null;
    java.util.concurrent.atomic.AtomicReference<MemoryLimit> made = new java.util.concurrent.atomic.AtomicReference<>();
    try {
      // the memory group is made before anything is attested or opened: a host that cannot limit
      // memory refuses the run before the CAS hears of it
      MemoryLimit limit = request.memoryBytes() == null ? null
          : MemoryLimit.create(request.memoryBytes(), "confide-" + staging.dir().getFileName());
      made.set(limit);
      clock.starting("attest");
      long started = System.nanoTime();
      Attestor.Attested attested = new Attestor(cas, measurer, evidence, opening).attest(request.session(), request.service(),
          request.start(), request.planHint(), staging.system());
      renewal = new TokenRenewal(cas, attested.run(), notices);
      clock.record("attest", started);
      RunConfiguration config = attested.configuration();
      checkVolumes(config, request);
      Map<String, Tag> opened = new HashMap<>();
      clock.time("open", () -> {
        dev.confide.volume.Progress progress = clock.progress("open");
        for (Mount m : config.mounts()) {
          opened.put(m.volume(), VolumeStage.open(m, request.volumes().get(m.volume()), staging.volume(m.volume()), progress));
        }
      });
      SecretSubstitution secrets = new SecretSubstitution(decoded(config.secrets()));
      List<Sandbox.Bind> image = config.imageTree() == null ? List.of()
          : clock.time("verify image", () -> ImageTreeCheck.verify(config.imageTree(), secrets));
      Sandbox.Plan plan = plan(config, request, staging, secrets, image, attested);
      boolean stream = request.streamOutput() && config.streamOutput();
      if (request.streamOutput() && !stream) {
        notices.println("note: session " + config.session() + " does not allow streaming output; it goes to "
            + LOG_NAME + " in the output volume");
      }
      refuseIfCancelled("before the program started");
      RunReport.MemoryUse memory = null;
      int exit;
      exit = clock.time("program", () -> execute(plan, staging, stream, new ProgramProgress(clock),
          limit == null ? java.util.function.UnaryOperator.identity() : limit::wrap));
      if (limit != null) {
        memory = limit.use();
        limit.close();
      }
      running = null;
      refuseIfCancelled("while the program ran");
      String log = keepLog(config, staging);
      List<RunReport.VolumeOutcome> outcomes = new ArrayList<>();
      clock.time("seal+swap", () -> {
        VolumeCommit commit = new VolumeCommit(cas, attested.run());
        for (Mount m : config.mounts()) {
          if (m.readOnly()) {
            outcomes.add(new RunReport.VolumeOutcome(m.volume(), m.path(), m.tag(), m.tag(), false));
          } else {
            Tag tag = commit.commit(config, m, opened.get(m.volume()), staging.volume(m.volume()),
                request.volumes().get(m.volume()), clock.progress("seal+swap"));
            outcomes.add(new RunReport.VolumeOutcome(m.volume(), m.path(), m.tag(), tag, true));
          }
        }
      });
      if (config.mounts().stream().anyMatch(m -> !m.readOnly())) {
        // each writable volume moved once: the CAS ended the run's token with the last swap
        renewal.endedByLastSwap();
      }
      clock.time("wipe", staging::close);
      return new RunReport(attested.evidence().platform(), attested.evidence().simulated(), config.session(), config.service(),
          attested.measurement().value(), attested.measurement().executable().toString(), exit, outcomes, clock.phases(), log,
          memory);
    } finally {
      if (renewal != null) {
        renewal.close();
      }
      if (made.get() != null) {
        made.get().close();
      }
      staging.close();
      ended.countDown();
      hooks.remove(wipeOnExit);
    }
  }

  private static void checkVolumes(RunConfiguration config, RunRequest request) {
    TreeSet<String> declared = new TreeSet<>();
    config.mounts().forEach(m -> declared.add(m.volume()));
    for (String given : request.volumes().keySet()) {
      if (!declared.contains(given)) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "service " + config.service() + " of session " + config.session()
            + " mounts no volume '" + given + "' (it mounts " + declared + ")",
            "the host only chooses where the session's volumes live: drop --volume " + given);
      }
    }
    Map<Path, String> byDirectory = new HashMap<>();
    for (Map.Entry<String, Path> e : request.volumes().entrySet()) {
      String other = byDirectory.putIfAbsent(e.getValue().toAbsolutePath().normalize(), e.getKey());
      if (other != null) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "volumes " + other + " and " + e.getKey() + " are both given "
            + e.getValue(), "give each volume its own directory");
      }
    }
    for (Mount m : config.mounts()) {
      String system = dev.confide.policy.Image.hostSystemDirectoryOf(m.path());
      if (system != null) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "volume " + m.volume() + " is to be mounted at " + m.path()
            + ", inside " + system + ", which the sandbox takes read-only from the host",
            "mount it elsewhere (the session's images[].volumes[].path)");
      }
    }
    for (String needed : declared) {
      Path dir = request.volumes().get(needed);
      if (dir == null) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "no directory given for volume '" + needed + "'",
            "add --volume " + needed + "=DIR");
      }
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, dir + " (volume " + needed + ") is not a directory", "give a directory");
      }
    }
  }

  private static Map<String, byte[]> decoded(Map<String, String> secrets) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    secrets.forEach((k, v) -> out.put(k, Base64.getDecoder().decode(v)));
    return out;
  }

  private Sandbox.Plan plan(RunConfiguration config, RunRequest request, StagingArea staging, SecretSubstitution secrets,
      List<Sandbox.Bind> image, Attestor.Attested attested) {
    List<String> command = HostInputFill.command(RunCommand.words(config.command()), request.hostArguments(), secrets,
        config.service());
    // run the measured copy, at the executable's real path, by that path: no link or PATH entry
    // the host changes after the measurement decides what starts
    String executable = attested.measurement().executable().toString();
    command.set(0, executable);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", RunCommand.DEFAULT_PATH);
    env.put("HOME", "/tmp");
    env.putAll(HostInputFill.environment(config.environment(), request.hostEnvironment(), secrets, config.service()));
    List<Sandbox.Bind> binds = new ArrayList<>(image);
    int[] account = account(config.user());
    binds.addAll(SandboxAccounts.write(staging.system(), account[0], account[1]));
    binds.add(new Sandbox.Bind(attested.executableCopy(), executable, false));
    for (Mount m : config.mounts()) {
      binds.add(new Sandbox.Bind(staging.volume(m.volume()), m.path(), !m.readOnly()));
    }
    int n = 0;
    for (RunConfiguration.InjectionFile f : config.injectionFiles()) {
      String content = secrets.apply(f.content() == null ? "" : f.content(), "injection file " + f.path());
      binds.addAll(Injection.place(f.path(), content, config.mounts(), staging, n++));
    }
    return new Sandbox.Plan(command, env, config.pwd(), binds, config.network(), account[0], account[1]);
  }

  /** The program's account: the service's {@code user} (UID:GID, validated by the CAS), else the sandbox's default. */
  static int[] account(String user) {
    if (user == null || user.isBlank()) {
      return new int[] {Bubblewrap.UID, Bubblewrap.UID};
    }
    String[] parts = user.split(":");
    int uid = Integer.parseInt(parts[0]);
    int gid = parts.length > 1 ? Integer.parseInt(parts[1]) : uid;
    if (uid <= 0) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "the service's user " + user + " is root", "the sandbox never runs a program as root");
    }
    return new int[] {uid, gid};
  }

  /**
   * Stops this run from another thread (a daemon's client pressed Ctrl-C or went away): the program
   * is killed, nothing is committed, the staging area is wiped, and {@link #run} throws a
   * {@link RuntimeFailure.Kind#CANCELLED} failure. A run past its commit finishes as it was.
   */
  public void cancel() {
    cancelled = true;
    stopProgram();
  }

  private void stopProgram() {
    Process p = running;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  private void refuseIfCancelled(String when) {
    if (cancelled) {
      throw new RuntimeFailure(RuntimeFailure.Kind.CANCELLED, "the run was cancelled " + when
          + "; nothing was committed and its staging area was wiped", "run it again");
    }
  }

  private int execute(Sandbox.Plan plan, StagingArea staging, boolean stream, ProgramProgress progress,
      java.util.function.UnaryOperator<List<String>> launcher) {
    try {
      Process p = sandbox.start(plan, ProcessBuilder.Redirect.PIPE, launcher);
      running = p;
      if (cancelled) {
        p.destroyForcibly();
      }
      // the log keeps the bytes exactly; its lines, decoded as UTF-8, are read for progress and,
      // where the service allows it, shown live
      try (OutputStream log = Files.newOutputStream(staging.log());
           java.io.BufferedReader in = new java.io.BufferedReader(new InputStreamReader(new TeeInputStream(p.getInputStream(),
               log), StandardCharsets.UTF_8))) {
        StringBuilder line = new StringBuilder();
        char[] buf = new char[4096];
        for (int r; (r = in.read(buf)) >= 0; ) {
          if (stream) {
            notices.write(buf, 0, r);
            notices.flush();
          }
          for (int i = 0; i < r; i++) {
            char c = buf[i];
            if (c == '\n' || c == '\r') {
              progress.line(line.toString());
              line.setLength(0);
            } else if (line.length() < MAX_PROGRESS_LINE) {
              line.append(c);
            }
          }
        }
      }
      return p.waitFor();
    } catch (IOException e) {
      // killing the program may close its output stream under the reader
      refuseIfCancelled("while the program ran");
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot collect the program's output: " + e.getMessage(),
          "check the staging area's free memory", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopProgram();
      throw new RuntimeFailure(RuntimeFailure.Kind.CANCELLED, "interrupted while the program ran; nothing was committed",
          "run it again");
    }
  }

  /** Puts the program's output into the first writable volume, where only the user will read it. */
  private static String keepLog(RunConfiguration config, StagingArea staging) {
    for (Mount m : config.mounts()) {
      if (!m.readOnly()) {
        try {
          Path target = staging.volume(m.volume()).resolve(LOG_NAME);
          Files.deleteIfExists(target);
          Files.move(staging.log(), target);
          return m.path() + "/" + LOG_NAME;
        } catch (IOException e) {
          throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot keep the program's output: " + e.getMessage(),
              "check the staging area's free memory", e);
        }
      }
    }
    return null;
  }
}
