package dev.confide.runtime;

import dev.confide.cas.api.AttestNonce;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.runtime.events.RunApproach;
import dev.confide.runtime.events.RunLaunch;
import java.util.concurrent.CompletableFuture;

/**
 * What a runtime does for its run once it knows the CAS ({@link RunApproach}) and before the
 * launch names the session: connects (TLS with the pinned fingerprint), asks for the first nonce and
 * makes the run's keys, so that the launch finds them ready (35-50 ms of a run's attestation, done
 * while the client makes the session). Used only for a launch to the same CAS and fingerprint; a
 * head start that failed or went elsewhere is dropped and the run does the same work itself.
 */
final class HeadStart {
  /** A connection to the run's CAS, the run's keys and a nonce not yet spent. */
  record Ready(CasClient client, Attestor.Opening opening) {}

  private final RunApproach approach;
  private final CompletableFuture<Ready> ready;

  private HeadStart(RunApproach approach, CompletableFuture<Ready> ready) {
    this.approach = approach;
    this.ready = ready;
  }

  /** Starts on a thread of its own. */
  static HeadStart begin(RunApproach approach) {
    CompletableFuture<Ready> ready = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("confide-head-start").start(() -> {
      CasClient client = null;
      try {
        client = CasClient.connect("cas", approach.cas(), approach.casFingerprint(), null);
        AttestNonce nonce = client.nonce();
        ready.complete(new Ready(client, new Attestor.Opening(RuntimeKey.generate(), nonce)));
      } catch (RuntimeException e) {
        if (client != null) {
          client.close();
        }
        ready.completeExceptionally(e);
      }
    });
    return new HeadStart(approach, ready);
  }

  /** What is ready for {@code launch}, or null (another CAS, or the head start failed: the run starts from scratch). */
  Ready forLaunch(RunLaunch launch) {
    Ready r;
    try {
      r = ready.join();
    } catch (RuntimeException failed) {
      return null;
    }
    if (!approach.leadsTo(launch)) {
      r.client().close();
      return null;
    }
    return r;
  }
}
