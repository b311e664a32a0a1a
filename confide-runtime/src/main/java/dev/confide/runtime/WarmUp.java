package dev.confide.runtime;

import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.runtime.events.RunEvent;
import dev.confide.runtime.events.RunEventCodec;
import java.net.URI;

/**
 * What every run initialises, done by a runtime started ahead of its launch while the client
 * still seals the inputs and makes the session: Jackson, a TLS 1.3 context with a pinned trust
 * manager and the HTTP client, Tink's HPKE and Ed25519, the event codec. In a fresh JVM these
 * took most of a second (docs/benchmarks.md). Touches no file, no network and no secret: the
 * client connects nowhere, and the throwaway run key is never used.
 */
final class WarmUp {
  private WarmUp() {}

  static void run() {
    try (CasClient unused = CasClient.connect("warm-up", URI.create("https://127.0.0.1:1"), "SHA256:" + "A".repeat(43), null)) {
      // constructing it initialises everything a real one needs
    }
    RuntimeKey.generate();
    new RunEventCodec().encode(new RunEvent.PhaseStarted("warm-up"));
  }
}
