package dev.confide.cas;

import dev.confide.cas.common.RunProof;
/** Who asks the CAS to move a tag: a principal (client certificate) or an attested run (run token). */
public sealed interface Caller {
  /** The name written into the audit log. */
  String auditName();

  /** A client identified by its certificate's key hash. */
  record Principal(String keyHash) implements Caller {
    @Override
    public String auditName() {
      return keyHash;
    }
  }

  /**
   * An attested runtime holding the run token the CAS gave it, and its signature over the request
   * ({@link RunProof}; null when none was sent); the token itself is never logged.
   */
  record RunToken(String token, byte[] proof) implements Caller {
    public String tokenHash() {
      return RunProof.tokenHash(token);
    }

    @Override
    public String auditName() {
      return "run:" + tokenHash().substring(0, 16);
    }

    @Override
    public String toString() {
      return "RunToken[" + auditName() + "]";
    }
  }
}
