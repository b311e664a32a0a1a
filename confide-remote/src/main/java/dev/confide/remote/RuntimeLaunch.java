package dev.confide.remote;

import java.net.URI;
import java.util.List;

/**
 * What a host's runtime is told when it starts: which CAS (and the fingerprint its key must have),
 * which session and service, the volumes put into the run's directory, the most memory the program
 * may use (null: no limit), what the client expects the service to start (a hint the runtime may
 * attest with at once; null: none). Nothing secret: keys come from the CAS, to the attested runtime only.
 */
public record RuntimeLaunch(URI cas, String casFingerprint, String session, String service, List<String> volumes,
    boolean streamOutput, Long memoryBytes, dev.confide.cas.api.RunPlan plan) {
  public RuntimeLaunch {
    volumes = List.copyOf(volumes);
  }

  /** A launch without a plan hint. */
  public RuntimeLaunch(URI cas, String casFingerprint, String session, String service, List<String> volumes,
      boolean streamOutput, Long memoryBytes) {
    this(cas, casFingerprint, session, service, volumes, streamOutput, memoryBytes, null);
  }

  /** A launch without a memory limit. */
  public RuntimeLaunch(URI cas, String casFingerprint, String session, String service, List<String> volumes,
      boolean streamOutput) {
    this(cas, casFingerprint, session, service, volumes, streamOutput, null);
  }
}
