package dev.confide.runtime.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;

/**
 * An optional line a client writes to a runtime started with {@code --launch-on-stdin} before its
 * launch, as soon as it knows the CAS (while it still makes the session):
 * {@code {"approach":{"cas":"https://127.0.0.1:8081","cas_fingerprint":"SHA256:..."}}}. The runtime
 * connects to that CAS, asks for its first nonce and makes its run keys meanwhile; the launch that
 * follows uses them only if it names the same CAS and fingerprint. Nothing in it is secret, and a
 * runtime that never gets one works as before.
 */
public record RunApproach(URI cas, @JsonProperty("cas_fingerprint") String casFingerprint) {
  /** Whether {@code launch} goes to this CAS, pinned to this fingerprint. */
  public boolean leadsTo(RunLaunch launch) {
    return cas != null && casFingerprint != null && cas.equals(launch.cas()) && casFingerprint.equals(launch.casFingerprint());
  }
}
