package dev.confide.cas;

import dev.confide.cas.CasStore.RunGrant;
import dev.confide.cas.CasStore.RunVolume;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.RunProof;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;

/**
 * The rules of run tokens. A token is issued to one attested run, bound to the signing key in its
 * evidence (every use carries that key's signature, {@link RunProof}), for a short lifetime the run
 * renews while it lives. It moves each volume the service mounts writable once, from the tag the run
 * was given; read-only volumes never. It ends when the run has moved every writable volume, when
 * the run ends it (commit, cancel, failure), or when it expires — and an ended token is unknown.
 */
final class RunTokens {
  /** How long a token lives without renewal; the runtime renews it every few minutes while the program runs. */
  static final long LIFETIME_MILLIS = 15 * 60_000L;

  private final CasStore store;
  private final SecureRandom random = new SecureRandom();

  RunTokens(CasStore store) {
    this.store = store;
  }

  /** A new token for a run of {@code service} of {@code session}, proven by {@code runKey} (X.509 Ed25519, base64). */
  String issue(Connection c, String session, String service, String runKey, long now) throws SQLException {
    store.purgeExpiredTokens(c, now);
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    store.insertRunToken(c, RunProof.tokenHash(token), session, service, now + LIFETIME_MILLIS, runKey);
    return token;
  }

  /** Records that the run may move {@code volume} (mounted writable or not) from {@code givenTag}. */
  void grant(Connection c, String token, String volume, String givenTag, boolean writable) throws SQLException {
    store.insertRunVolume(c, RunProof.tokenHash(token), volume, givenTag, writable);
  }

  /**
   * The grant of a live token whose holder signed {@code message}; refuses an unknown, ended or
   * expired token, a missing or wrong proof, and a token of another session.
   */
  RunGrant authorize(Connection c, Caller.RunToken caller, String session, byte[] message, long now) throws SQLException {
    RunGrant grant = store.runToken(c, caller.tokenHash())
        .orElseThrow(() -> new CasException(401, "bad_run_token", "the run token is unknown or its run has ended",
            "attest again to get one; a token ends when its run commits, is cancelled or expires"));
    if (grant.expiresAt() <= now) {
      store.endRunToken(c, grant.tokenHash());
      throw new CasException(401, "bad_run_token", "the run token expired", "attest again to get one");
    }
    if (caller.proof() == null) {
      throw new CasException(401, "run_proof_missing", "a run token is used only with its run's signature (header "
          + RunProof.HEADER + "): the token alone proves nothing", "send what the runtime that attested signs");
    }
    if (!RunProof.verifies(Base64.getDecoder().decode(grant.runKey()), message, caller.proof())) {
      throw new CasException(401, "bad_run_proof", "the run token's proof is not the attested run's signature over this request",
          "only the runtime that attested may use its token");
    }
    if (session != null && !grant.session().equals(session)) {
      throw CasException.forbidden("the run token belongs to another session", "swap only the volumes of the run's session");
    }
    return grant;
  }

  /**
   * Spends the run's one move of {@code volume} from {@code oldTag}; ends the token once every
   * writable volume of the run has moved.
   */
  void useVolume(Connection c, RunGrant grant, String volume, String oldTag) throws SQLException {
    RunVolume v = store.runVolume(c, grant.tokenHash(), volume).orElseThrow(() -> CasException.forbidden(
        "this run's service does not mount volume " + volume, "a run moves only the volumes its service mounts"));
    if (!v.writable()) {
      throw CasException.forbidden("volume " + volume + " is mounted read-only in this run: its tag never moves",
          "make it writable in the session's image if the program is to change it");
    }
    if (v.used()) {
      throw CasException.conflict("run_volume_used", "this run already moved volume " + volume + "; a run moves each volume once",
          "attest again for another change");
    }
    if (v.givenTag() == null ? oldTag != null : !v.givenTag().equals(oldTag)) {
      throw CasException.conflict("stale_tag", "this run was given volume " + volume + " at tag " + v.givenTag()
          + ", not " + oldTag, "a run moves a volume only from the tag it opened");
    }
    if (store.useRunVolume(c, grant.tokenHash(), volume)) {
      store.endRunToken(c, grant.tokenHash());
    }
  }

  void renew(Connection c, RunGrant grant, long now) throws SQLException {
    store.renewRunToken(c, grant.tokenHash(), now + LIFETIME_MILLIS);
  }

  void end(Connection c, RunGrant grant) throws SQLException {
    store.endRunToken(c, grant.tokenHash());
  }
}
