package dev.confide.runtime;

import dev.confide.volume.Tag;
import java.util.List;
import java.util.Map;

/**
 * What a run did: the measurement the CAS accepted, the program's exit code, each volume's tags,
 * and the time spent in each phase (milliseconds, in the order they ran). {@code platform} is the
 * evidence the CAS accepted ({@code sim}: simulated, which protects nothing against the host's root).
 */
public record RunReport(
    String platform,
    boolean simulated,
    String session,
    String service,
    String measurement,
    String executable,
    int exitCode,
    List<VolumeOutcome> volumes,
    Map<String, Long> phaseMillis,
    String log,
    MemoryUse memory) {

  /**
   * The program's memory under a limit ({@code --memory}): the limit, the most it used, and whether
   * the kernel's OOM killer ended it. Null in a report of a run without a limit.
   */
  public record MemoryUse(long limitBytes, long peakBytes, boolean oomKilled) {}

  /** A report of a run without a memory limit. */
  public RunReport(String platform, boolean simulated, String session, String service, String measurement, String executable,
      int exitCode, List<VolumeOutcome> volumes, Map<String, Long> phaseMillis, String log) {
    this(platform, simulated, session, service, measurement, executable, exitCode, volumes, phaseMillis, log, null);
  }

  /** What a simulated run protects against the host's owner: nothing. Printed wherever a run is reported. */
  public static final String SIMULATED = "simulated attestation: the host's owner can read and change this run";

  /** One line on what protected this run from the host. */
  public String protection() {
    return simulated ? SIMULATED : platform + " attestation";
  }

  /** A volume's tag before and after the run; {@code committed} is false for read-only volumes. */
  public record VolumeOutcome(String volume, String path, Tag oldTag, Tag newTag, boolean committed) {}
}
