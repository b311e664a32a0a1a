package dev.confide.remote;

import dev.confide.attest.AttestationException;
import dev.confide.attest.Measurement;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.StagingArea;
import dev.confide.runtime.events.RunLaunch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code local} host: this machine, the user's own. Its runtime is a process of its own,
 * started from the runtime distribution exactly as a remote host's will be, holding none of the
 * user's identity; its run directories are private directories in memory (small runs) or under
 * the user's data directory ({@link LocalRunDirectory}), and putting a volume there is writing it
 * in place.
 */
public final class LocalHost implements Host {
  /** This host's name on the command line. */
  public static final String NAME = "local";
  /** Inputs up to this size have their run directory in memory (a tmpfs), beside the staging area. */
  public static final long IN_MEMORY_INPUTS = LocalRunDirectory.IN_MEMORY_INPUTS;
  /** How long a runtime told to stop may take to wipe its staging area before it is killed (its own grace is 60 s). */
  static final long STOP_SECONDS = 70;

  private final Path dataDir;
  private final RuntimeDistribution distribution;
  private final Path hostKey;
  private final String hostKeyHash;
  private final PrintWriter notices;
  private final RuntimeStarter runtimes;

  /**
   * @param dataDir the user's data directory (large runs' directories go to its {@code runs/})
   * @param hostKey the file of this host's key for simulated evidence; {@code hostKeyHash} its hash
   * @param notices where the runtime's notes and the program's streamed output go
   * @param runtimes how a runtime process is got ({@link RuntimeStarter#FRESH}, or a daemon's {@link WarmRuntimes})
   */
  public LocalHost(Path dataDir, RuntimeDistribution distribution, Path hostKey, String hostKeyHash,
      PrintWriter notices, RuntimeStarter runtimes) {
    this.dataDir = dataDir;
    this.distribution = distribution;
    this.hostKey = hostKey;
    this.hostKeyHash = hostKeyHash;
    this.notices = notices;
    this.runtimes = runtimes;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Measurement measure(Application app) throws IOException, AttestationException {
    return distribution.measurer().measure(List.of(app.executable()), app.path(), app.measuredTrees());
  }

  @Override
  public Optional<String> ownedSimKeyHash() {
    return Optional.of(hostKeyHash);
  }

  /** The run's directory, and its runtime started at once: it warms up while the client seals and makes the session. */
  @Override
  public HostRun prepare(Path inputs) throws IOException {
    LocalRunDirectory dir = LocalRunDirectory.create(dataDir, inputs);
    try {
      return new LocalRun(dir, runtimes.start(distribution, arguments(hostKey, hostKeyHash), notices));
    } catch (IOException | RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  /**
   * The arguments of {@code confide-runtime run} on this machine: simulated evidence signed by
   * {@code hostKey}, which must still be the key whose hash is {@code hostKeyHash} when the run is
   * launched (a runtime started ahead of it must not sign with a key replaced meanwhile).
   */
  public static List<String> arguments(Path hostKey, String hostKeyHash) {
    List<String> args = new ArrayList<>(List.of("--host-key", hostKey.toAbsolutePath().toString(),
        "--host-key-hash", hostKeyHash, "--digest-cache", hostKey.toAbsolutePath().resolveSibling("measured-files").toString()));
    // the staging area where this process would put it: the user's XDG_RUNTIME_DIR reaches the
    // runtime by its path, not by the environment it does not get
    StagingArea.memoryRoot(null).ifPresent(root -> {
      args.add("--staging-root");
      args.add(root.toString());
    });
    return args;
  }

  private final class LocalRun implements HostRun {
    private final LocalRunDirectory dir;
    private final RuntimeProcess runtime;

    LocalRun(LocalRunDirectory dir, RuntimeProcess runtime) {
      this.dir = dir;
      this.runtime = runtime;
    }

    @Override
    public void put(String name, PhaseClock clock, VolumeWriter writer) throws IOException {
      clock.timed("seal " + name, () -> {
        writer.write(dir.dir().resolve(name));
        return null;
      });
    }

    @Override
    public <T> T get(String name, PhaseClock clock, VolumeReading<T> reader) throws IOException {
      return clock.timed("unseal", () -> reader.read(dir.dir().resolve(name)));
    }

    @Override
    public void approach(java.net.URI cas, String fingerprint) {
      try {
        runtime.approach(new dev.confide.runtime.events.RunApproach(cas, fingerprint));
      } catch (IOException e) {
        // the launch will find the runtime gone, and say so
      }
    }

    @Override
    public RunReport run(RuntimeLaunch launch, PhaseClock.Listener listener) throws Exception {
      Map<String, Path> volumes = new LinkedHashMap<>();
      launch.volumes().forEach(v -> volumes.put(v, dir.dir().resolve(v)));
      runtime.launch(new RunLaunch(launch.cas(), launch.casFingerprint(), launch.session(), launch.service(), volumes,
          launch.streamOutput(), launch.memoryBytes(), null, null, null, null, launch.plan()));
      return runtime.await(listener);
    }

    @Override
    public void cancel() {
      runtime.cancel();
    }

    /** A runtime never launched (the run failed before) ends at once; one that ran has ended already. */
    @Override
    public void close() {
      try {
        runtime.stop(STOP_SECONDS);
      } finally {
        dir.close();
        runtimes.ended(distribution, arguments(hostKey, hostKeyHash));
      }
    }
  }
}
