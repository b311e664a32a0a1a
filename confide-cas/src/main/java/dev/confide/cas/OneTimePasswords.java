package dev.confide.cas;

import dev.confide.cas.common.CasException;
import dev.confide.cas.common.Totp;
import dev.confide.policy.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

/**
 * SCONE's {@code security.attestation.one_time_password_shared_secret}: whoever starts a service of
 * such a session must give the current code of the session's authenticator, a TOTP of RFC 6238 as
 * authenticator apps make it ({@link Totp}). Checked after the evidence, so only a host the session trusts learns
 * that a code is needed. A code of the step before or after the CAS's clock is accepted too
 * (clocks drift; a code typed near the end of its step arrives in the next); each code is accepted
 * once per session, and never one of an earlier step than the last accepted. Every
 * {@value #FAILURES_BEFORE_PAUSE}th wrong code in a row pauses the checks for
 * {@value #PAUSE_MILLIS} ms (RFC 4226 section 7.3: a guess is right with odds 3 in a million).
 */
final class OneTimePasswords {
  static final int FAILURES_BEFORE_PAUSE = 5;
  static final long PAUSE_MILLIS = 30_000;
  /** Refusals that count as a wrong code. */
  static final java.util.Set<String> WRONG = java.util.Set.of("otp_invalid", "otp_reused");

  private final Clock clock;

  OneTimePasswords(Clock clock) {
    this.clock = clock;
  }

  /**
   * Refuses the attestation unless {@code code} is the current code of {@code session}'s
   * authenticator, unused; marks it used within {@code c}'s transaction (so a run refused later
   * does not spend it). A wrong code is counted by {@link #countWrong} after the refusal.
   */
  void check(Connection c, CasStore store, Session session, String code) throws SQLException {
    String name = session.name();
    if (code == null || code.isEmpty()) {
      throw new CasException(403, "otp_missing", "session " + name + " needs a one-time password to start its services",
          "give the current code of the session's authenticator: 'confide runtime run --otp' asks for it (or set CONFIDE_OTP)");
    }
    long now = clock.millis();
    CasStore.OtpUse use = store.otpUse(c, name);
    if (use.blockedUntil() > now) {
      throw new CasException(429, "otp_paused", "session " + name + " had " + FAILURES_BEFORE_PAUSE
          + " wrong one-time passwords in a row: none is checked for " + ((use.blockedUntil() - now + 999) / 1000) + " s",
          "wait, then give the current code of the session's authenticator");
    }
    byte[] key = Totp.key(session.security().attestation().oneTimePasswordKey());
    byte[] given = code.getBytes(StandardCharsets.US_ASCII);
    long current = Totp.step(now);
    long matched = -1;
    for (long s = current - 1; s <= current + 1; s++) {
      // every candidate is compared, in constant time, whichever matches
      if (MessageDigest.isEqual(Totp.code(key, s, Totp.DIGITS).getBytes(StandardCharsets.US_ASCII), given)) {
        matched = s;
      }
    }
    java.util.Arrays.fill(key, (byte) 0);
    if (matched < 0) {
      throw new CasException(403, "otp_invalid", "the one-time password is not the current code of session "
          + name + "'s authenticator", "check that the authenticator holds the session's key and that its clock is right"
          + " (a code lasts " + Totp.STEP_SECONDS + " s)");
    }
    if (matched <= use.lastStep() || !store.useOtpStep(c, name, matched)) {
      throw new CasException(403, "otp_reused", "the one-time password was already used for session " + name
          + " (or a later one was)", "wait for the authenticator's next code (every " + Totp.STEP_SECONDS + " s) and start again");
    }
  }

  /** Counts a wrong code for {@code session}, in a transaction of its own (the refused one rolls back). */
  void countWrong(CasStore store, String session) {
    store.transaction(c -> {
      store.otpFailed(c, session, FAILURES_BEFORE_PAUSE, clock.millis() + PAUSE_MILLIS);
      return null;
    });
  }
}
