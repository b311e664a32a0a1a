package dev.confide.remote;

import java.net.URI;
import java.util.List;

/**
 * What a host's runtime is told when it starts: which CAS (and the fingerprint its key must have),
 * which session and service, the volumes put into the run's directory. Nothing secret: keys come
 * from the CAS, to the attested runtime only.
 */
public record RuntimeLaunch(URI cas, String casFingerprint, String session, String service, List<String> volumes,
    boolean streamOutput) {
  public RuntimeLaunch {
    volumes = List.copyOf(volumes);
  }
}
