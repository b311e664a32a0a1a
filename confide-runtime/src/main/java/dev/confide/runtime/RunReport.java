package dev.confide.runtime;

import java.util.List;
import java.util.Map;

/**
 * What a run did: the measurement the CAS accepted, the program's exit code, each volume's tags,
 * and the time spent in each phase (milliseconds, in the order they ran).
 */
public record RunReport(
    String session,
    String service,
    String measurement,
    String executable,
    int exitCode,
    List<VolumeOutcome> volumes,
    Map<String, Long> phaseMillis,
    String log) {

  /** A volume's tag before and after the run; {@code committed} is false for read-only volumes. */
  public record VolumeOutcome(String volume, String path, String oldTag, String newTag, boolean committed) {}
}
