package dev.confide.remote;

import dev.confide.attest.AttestationException;
import dev.confide.attest.Measurement;
import java.io.IOException;
import java.util.Optional;

/**
 * Where a runtime runs. A host is not trusted: it sees ciphertext only, and what it reports is
 * checked against the CAS. One-method-per-job, like MINA SSHD's session: the run's directory and
 * its runtime are a {@link HostRun}.
 */
public interface Host extends AutoCloseable {
  /** How the user names this host ({@code local}, an SSH alias). */
  String name();

  /**
   * The measurement of {@code app}'s executable as this host's runtime runs it (the runtime's
   * digest and the program's), what the run's session names as the one allowed. A remote host is
   * asked, never stood for by this machine's own copy of the program. Called after {@link #prepare}.
   */
  Measurement measure(Application app) throws IOException, AttestationException;

  /**
   * The key hash of this host's simulated evidence when the user owns it (the {@code local} host):
   * a run registers it with the CAS as trusted for the user's own sessions. Empty for a host the
   * user trusts explicitly ({@code confide host trust}) or not at all.
   */
  default Optional<String> ownedSimKeyHash() {
    return Optional.empty();
  }

  /**
   * A private directory on the host for one run (owner-only, removed when the returned run is
   * closed, swept by a later run if this process dies first).
   *
   * @param inputs the plaintext inputs, on this machine (a host may keep the ciphertext of small ones in memory)
   */
  HostRun prepare(java.nio.file.Path inputs) throws IOException;

  /** Lets go of what reaches the host (a remote one's SSH connection); the local host holds nothing. */
  @Override
  default void close() {}
}
