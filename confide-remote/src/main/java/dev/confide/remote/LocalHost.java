package dev.confide.remote;

import dev.confide.attest.Measurer;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.RunReport;
import dev.confide.runtime.StagingArea;
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

  private final Path dataDir;
  private final RuntimeDistribution distribution;
  private final Path hostKey;
  private final String hostKeyHash;
  private final PrintWriter notices;

  /**
   * @param dataDir the user's data directory (large runs' directories go to its {@code runs/})
   * @param hostKey the file of this host's key for simulated evidence; {@code hostKeyHash} its hash
   * @param notices where the runtime's notes and the program's streamed output go
   */
  public LocalHost(Path dataDir, RuntimeDistribution distribution, Path hostKey, String hostKeyHash,
      PrintWriter notices) {
    this.dataDir = dataDir;
    this.distribution = distribution;
    this.hostKey = hostKey;
    this.hostKeyHash = hostKeyHash;
    this.notices = notices;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Measurer measurer() throws IOException {
    return distribution.measurer();
  }

  @Override
  public Optional<String> ownedSimKeyHash() {
    return Optional.of(hostKeyHash);
  }

  @Override
  public HostRun prepare(Path inputs) throws IOException {
    return new LocalRun(LocalRunDirectory.create(dataDir, inputs));
  }

  /**
   * The arguments of {@code confide-runtime run} that start {@code launch} on this machine, with
   * each volume's ciphertext in {@code volumes} and simulated evidence signed by {@code hostKey}.
   */
  public static List<String> arguments(RuntimeLaunch launch, Map<String, Path> volumes, Path hostKey) {
    List<String> args = new ArrayList<>(List.of("--cas", launch.cas().toString(), "--cas-fingerprint", launch.casFingerprint(),
        "--session", launch.session(), "--service", launch.service(), "--host-key", hostKey.toAbsolutePath().toString()));
    for (String volume : launch.volumes()) {
      args.add("--volume");
      args.add(volume + "=" + volumes.get(volume).toAbsolutePath());
    }
    // the staging area where this process would put it: the user's XDG_RUNTIME_DIR reaches the
    // runtime by its path, not by the environment it does not get
    StagingArea.memoryRoot(null).ifPresent(root -> {
      args.add("--staging-root");
      args.add(root.toString());
    });
    if (launch.streamOutput()) {
      args.add("--stream-output");
    }
    return args;
  }

  private final class LocalRun implements HostRun {
    private final LocalRunDirectory dir;
    private volatile RuntimeProcess running;
    private volatile boolean cancelled;

    LocalRun(LocalRunDirectory dir) {
      this.dir = dir;
    }

    @Override
    public void put(String name, VolumeWriter writer) throws IOException {
      writer.write(dir.dir().resolve(name));
    }

    @Override
    public <T> T get(String name, VolumeReading<T> reader) throws IOException {
      return reader.read(dir.dir().resolve(name));
    }

    @Override
    public RunReport run(RuntimeLaunch launch, PhaseClock.Listener listener) throws Exception {
      Map<String, Path> volumes = new LinkedHashMap<>();
      launch.volumes().forEach(v -> volumes.put(v, dir.dir().resolve(v)));
      RuntimeProcess process = RuntimeProcess.start(distribution, arguments(launch, volumes, hostKey), notices);
      running = process;
      if (cancelled) {
        process.cancel();
      }
      try {
        return process.await(listener);
      } finally {
        running = null;
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      RuntimeProcess p = running;
      if (p != null) {
        p.cancel();
      }
    }

    @Override
    public void close() {
      dir.close();
    }
  }
}
