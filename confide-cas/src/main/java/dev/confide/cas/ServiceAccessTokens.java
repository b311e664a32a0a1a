package dev.confide.cas;

import dev.confide.cas.common.CasException;
import dev.confide.policy.Session;

/**
 * SCONE's {@code security.service_access_token}: whoever starts a service of such a session must
 * give the token. The CAS keeps only its SHA-256 (the canonical form holds the digest), compares
 * digests in constant time, and checks after the evidence, so only a host the session trusts learns
 * that a token is needed. Unlike a one-time password a token can be used again: it keeps out
 * whoever never had it, not a host that was once given it.
 */
final class ServiceAccessTokens {
  private ServiceAccessTokens() {}

  static void check(Session session, String given) {
    if (given == null || given.isEmpty()) {
      throw new CasException(403, "access_token_missing", "session " + session.name() + " needs its service access token"
          + " to start its services", "give it: 'confide runtime run --access-token' asks for it (or set CONFIDE_ACCESS_TOKEN)");
    }
    if (!session.security().admitsServiceAccessToken(given)) {
      throw new CasException(403, "access_token_invalid", "the service access token is not session " + session.name() + "'s",
          "give the token the session's security.service_access_token was made from");
    }
  }
}
