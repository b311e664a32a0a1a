package dev.confide.remote.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.attest.Measurement;
import dev.confide.remote.Application;
import dev.confide.remote.Host;
import dev.confide.remote.HostRun;
import dev.confide.remote.JobException;
import dev.confide.remote.LocalRunDirectory;
import dev.confide.remote.RuntimeDistribution;
import dev.confide.remote.RuntimeProcess;
import dev.confide.runtime.ExitCodes;
import dev.confide.volume.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A remote host reached over SSH: the user's runs go to a fresh owner-only directory under its
 * remote folder ({@code REMOTE_DIR/runs/run-ID}), their ciphertext travels by SFTP, and the
 * runtime (installed under {@code REMOTE_DIR/runtime/ID} when missing) is started over an exec
 * channel, so that no port opens on the host. The CAS, when it runs on this machine, is reached
 * through the same connection. The host measures the application's program itself; the user
 * confirms it once per host ({@link ConfirmedPrograms}), unless the application pins its measurements.
 */
public final class SshHost implements Host, AutoCloseable {
  /** How long a runtime told to stop may take to wipe its staging area before its channel is closed. */
  static final long STOP_SECONDS = 70;

  /** What a run reports as it goes: installing the runtime, uploading, downloading. */
  public record Progresses(Progress install, Progress upload, Progress download) {}

  private final KeptHosts.Lease lease;
  private final RuntimeDistribution distribution;
  private final Path dataDir;
  private final PrintWriter notices;
  private final Progresses progress;
  private final ConfirmedPrograms programs;
  private RuntimeInstall.Result installed;
  private String hostKeyHash;

  /**
   * @param lease the logged-in connection, perhaps with a run prepared ahead (this host releases it)
   * @param dataDir the user's data directory, where ciphertext waits between sealing and upload
   * @param notices where the runtime's notes and the program's streamed output go
   */
  public SshHost(KeptHosts.Lease lease, RuntimeDistribution distribution, Path dataDir, PrintWriter notices, Progresses progress,
      ConfirmedPrograms programs) {
    this.lease = lease;
    this.distribution = distribution;
    this.dataDir = dataDir;
    this.notices = notices;
    this.progress = progress;
    this.programs = programs;
  }

  @Override
  public String name() {
    return lease.ssh().host().name();
  }

  /**
   * The host's key for simulated evidence, made there when the runtime was first started: the
   * user added this host and confirmed its SSH key, so its simulated evidence counts for the
   * user's own sessions, as the local host's does. Simulated evidence protects nothing against
   * the host's root either way.
   */
  @Override
  public Optional<String> ownedSimKeyHash() {
    return Optional.ofNullable(hostKeyHash);
  }

  /** The host's runtime measures the program there; the user's confirmation (or the application's pins) decide. */
  @Override
  public Measurement measure(Application app) throws IOException {
    if (app.measurements().isEmpty()) {
      // what the user confirmed, with the digest this runtime gave itself: no question to the
      // host (a JVM start and a hash of its Java there). A host whose program changed since is
      // refused when its runtime attests, and told how to look (SshRun).
      Optional<HostMeasurements.Confirmed> confirmed = programs.confirmed(name(), app.name());
      Optional<String> runtime = distribution.shippedDigest();
      if (runtime.isEmpty()) {
        runtime = programs.store().runtimeDigest(name(), installed.id());
      }
      if (confirmed.isPresent() && runtime.isPresent()
          && confirmed.get().trees().keySet().equals(new java.util.TreeSet<>(app.measuredTrees()))) {
        return confirmed.get().measurement(runtime.get());
      }
    }
    Measurement m = measureOn(lease.ssh(), installed, distribution, app);
    programs.store().recordRuntime(name(), installed.id(), m.runtimeDigest());
    if (app.measurements().isEmpty()) {
      programs.check(name(), app.name(), m);
    }
    return m;
  }

  /**
   * What the runtime {@code installed} on the host measures {@code app}'s program as, its own
   * digest checked against {@code distribution}'s where this machine knows it (it sent its Java).
   */
  public static Measurement measureOn(SshConnection ssh, RuntimeInstall.Result installed, RuntimeDistribution distribution,
      Application app) throws IOException {
    String name = ssh.host().name();
    String out;
    try {
      StringBuilder trees = new StringBuilder();
      app.measuredTrees().forEach(t -> trees.append(" --tree ").append(HostCheck.shellQuoted(t)));
      out = ssh.run(runtimeCommand(installed) + " measure --path " + HostCheck.shellQuoted(app.path()) + trees + " -- "
          + HostCheck.shellQuoted(app.executable()));
    } catch (IOException e) {
      throw new JobException(ExitCodes.UNAVAILABLE, "no_program", name + " cannot run " + app.name() + ": "
          + firstLine(e), "install " + app.executable() + " there (on " + app.path() + "), or ask the host's operator", e);
    }
    Measurement m = parse(name, out);
    if (!m.trees().stream().map(dev.confide.attest.MeasuredTree::path).toList()
        .equals(new java.util.TreeSet<>(app.measuredTrees()).stream().toList())) {
      throw new JobException(ExitCodes.DATA, "bad_measurement", name + " measured other trees than " + app.measuredTrees(),
          "reinstall the runtime there: 'confide host install " + name + "'");
    }
    Optional<String> expected = distribution.shippedDigest();
    if (expected.isPresent() && !expected.get().equals(m.runtimeDigest())) {
      throw new JobException(ExitCodes.INTEGRITY, "runtime_changed", "the runtime on " + name + " measures "
          + m.runtimeDigest() + ", not " + expected.get() + " as the one sent there", "reinstall it: 'confide host install "
          + name + "'");
    }
    return m;
  }

  private static Measurement parse(String host, String out) {
    try {
      JsonNode n = new ObjectMapper().readTree(out.strip());
      List<dev.confide.attest.MeasuredTree> trees = new ArrayList<>();
      if (n.has("trees")) {
        n.get("trees").properties().forEach(t -> trees.add(new dev.confide.attest.MeasuredTree(t.getKey(), t.getValue().asText())));
      }
      Measurement m = Measurement.of(n.get("runtime_digest").asText(), Path.of(n.get("executable").asText()),
          n.get("executable_sha256").asText(), trees);
      if (!m.value().equals(n.get("measurement").asText())) {
        throw new IllegalArgumentException("its measurement is not its parts'");
      }
      return m;
    } catch (IOException | RuntimeException e) {
      throw new JobException(ExitCodes.DATA, "bad_measurement", host + " answered the measurement with '"
          + out.strip().lines().findFirst().orElse("") + "'", "reinstall the runtime there: 'confide host install " + host + "'");
    }
  }

  /**
   * A run directory made on a host with its runtime started there, warming up, launched by
   * nothing yet: made for a run as it begins, or ahead of it by {@link KeptHosts}. It holds no
   * secret until a run launches its runtime, and serves that one run only.
   */
  public record Prepared(RuntimeInstall.Result installed, String dir, String hostKeyHash, RuntimeProcess runtime) {}

  /** Installs the runtime when missing, sweeps dead runs, makes this run's directory and starts the runtime there. */
  @Override
  public HostRun prepare(Path inputs) throws IOException {
    Prepared p = lease.takeSpare();
    if (p == null) {
      p = prepareOn(lease.ssh(), distribution, progress.install());
    }
    installed = p.installed();
    hostKeyHash = p.hostKeyHash();
    p.runtime().attach(notices);
    LocalRunDirectory local;
    try {
      local = LocalRunDirectory.create(dataDir, inputs);
    } catch (IOException | RuntimeException e) {
      p.runtime().stop(STOP_SECONDS);
      lease.ssh().removeQuietly(p.dir());
      throw e;
    }
    return new SshRun(lease, p, local, progress, notices);
  }

  /**
   * Installs the runtime on {@code ssh}'s host when missing, sweeps dead runs there, makes a fresh
   * run directory and starts the runtime in it, its notes kept until someone {@linkplain
   * RuntimeProcess#attach attaches}.
   */
  public static Prepared prepareOn(SshConnection ssh, RuntimeDistribution distribution, Progress install) throws IOException {
    String name = ssh.host().name();
    RuntimeInstall.Result installed = RuntimeInstall.ensure(ssh, distribution, install);
    String base = baseOf(installed);
    byte[] r = new byte[8];
    new SecureRandom().nextBytes(r);
    String run = base + "/runs/run-" + HexFormat.of().formatHex(r);
    String b = HostCheck.shellQuoted(base);
    // Without bubblewrap nothing is sent: the runtime runs programs only inside it. A run's
    // directory is locked (flock) by its runtime for as long as it lives: one nobody holds and
    // older than a minute belongs to a run whose client and runtime are gone; one that holds
    // sealed outputs may hold a committed result not yet fetched ('confide runs fetch'): a week.
    String script = "set -e; if ! command -v bwrap >/dev/null 2>&1; then echo no-bwrap; exit 0; fi; cd " + b
        + "; mkdir -p -m 700 runs;"
        + " for d in runs/run-*; do [ -d \"$d\" ] || continue;"
        + " age=1; [ -f \"$d/outputs/VOLUME\" ] && age=10080;"
        + " if [ -n \"$(find \"$d\" -maxdepth 0 -mmin +$age)\" ]; then flock -n \"$d/.lock\" rm -rf \"$d\" || true; fi; done;"
        + " mkdir -m 700 " + HostCheck.shellQuoted(run) + ";"
        + hostKeyScript(installed);
    String hostKeyHash;
    try {
      hostKeyHash = ssh.run(script).strip();
    } catch (IOException e) {
      throw new JobException(ExitCodes.IO, "run_dir", "cannot make a run directory on " + name + ": " + firstLine(e),
          "check the host's free space and the rights on " + base, e);
    }
    if (hostKeyHash.equals("no-bwrap")) {
      throw new JobException(ExitCodes.UNAVAILABLE, "no_bubblewrap", name + " has no bubblewrap (bwrap): the runtime runs"
          + " programs only inside it", "have it installed there: apt-get install bubblewrap (the Debian package bubblewrap)");
    }
    if (!hostKeyHash.matches("[0-9a-f]{64}")) {
      ssh.removeQuietly(run);
      throw new JobException(ExitCodes.DATA, "bad_evidence_key", name + " gave '" + hostKeyHash + "' as its evidence key's hash",
          "remove " + base + "/host.key.hash there and run again");
    }
    try {
      return new Prepared(installed, run, hostKeyHash, startRuntime(ssh, installed, run, hostKeyHash));
    } catch (IOException | RuntimeException e) {
      ssh.removeQuietly(run);
      throw e;
    }
  }

  /**
   * Starts the runtime {@code installed} in the run directory {@code run} over an exec channel,
   * once no other runtime holds that directory's lock (one whose connection was lost ends first).
   */
  static RuntimeProcess startRuntime(SshConnection ssh, RuntimeInstall.Result installed, String run, String hostKeyHash)
      throws IOException {
    String base = baseOf(installed);
    List<String> command = new ArrayList<>(RuntimeProcess.runArguments());
    command.addAll(List.of("--host-key", base + "/host.key", "--host-key-hash", hostKeyHash, "--digest-cache",
        base + "/measured-files"));
    // the shell takes the lock on descriptor 9 and becomes the runtime, which holds it until it
    // exits; 'flock FILE COMMAND' would stay beside it as its parent, holding its standard output
    // and error open, so that the channel's end of output came only when the runtime's JVM had exited
    StringBuilder exec = new StringBuilder("cd " + HostCheck.shellQuoted(run) + " && exec 9>>.lock && flock 9 && exec "
        + runtimeCommand(installed));
    for (String c : command) {
      exec.append(' ').append(HostCheck.shellQuoted(c));
    }
    return RuntimeProcess.over(ExecChannel.open(ssh.session(), exec.toString()));
  }

  /**
   * Shell commands, run in the runtime's base folder, that make the host's evidence key once and
   * print its hash: under a lock, since two users' first runs at once must not both make one.
   */
  static String hostKeyScript(RuntimeInstall.Result installed) {
    return " if [ ! -s host.key.hash ]; then exec 9>host.key.lock; flock 9; if [ ! -s host.key.hash ]; then "
        + runtimeCommand(installed) + " host-key \"$PWD/host.key\" > host.key.hash.$$ && mv host.key.hash.$$ host.key.hash; fi;"
        + " exec 9>&-; fi; cat host.key.hash";
  }

  private static String runtimeCommand(RuntimeInstall.Result installed) {
    return HostCheck.shellQuoted(installed.path() + "/bin/confide-runtime");
  }

  /** The remote folder the runtime {@code installed} lives under ({@code REMOTE_DIR}). */
  static String baseOf(RuntimeInstall.Result installed) {
    return installed.path().substring(0, installed.path().length() - ("/runtime/" + installed.id()).length());
  }


  static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().filter(l -> !l.isBlank()).findFirst().orElse(m);
  }

  /** The run is over: its connection is kept for the next run (a daemon's) or closed. */
  @Override
  public void close() {
    lease.release();
  }
}
