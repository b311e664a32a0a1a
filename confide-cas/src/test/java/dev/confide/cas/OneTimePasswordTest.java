package dev.confide.cas;

import static dev.confide.cas.AttestationHandshakeTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurement;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.cas.common.Totp;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE's {@code one_time_password_shared_secret} over real HTTPS: a service of such a session starts
 * only with its authenticator's current code, each code once, never an older one after a newer,
 * and wrong codes pause the checks; a host the session does not trust never learns a code is needed.
 */
class OneTimePasswordTest {
  /** A 20-byte key in base32, as {@code head -c 20 /dev/urandom | base32} writes one. */
  static final String KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient runtime;
  HostKey host;
  Measurement measurement;

  /** The database (null: H2 in the CAS's folder). */
  String jdbcUrl() throws Exception {
    return null;
  }

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, jdbcUrl());
    alice = cas.client(cas.alice);
    runtime = cas.client(null);
    host = HostKey.create(tmp.resolve("host/host-key"));
    measurement = CasFixture.measuredProgram(tmp);
    alice.trustSimHost(host.keyHash());
    alice.createSession(AttestationHandshakeTest.session("app", measurement.value(), false)
        + "security: {attestation: {tolerate: [simulation], one_time_password_shared_secret: '" + KEY.toLowerCase() + "'}}\n");
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    runtime.close();
    cas.close();
  }

  static String codeAt(long step) {
    return Totp.code(Totp.key(KEY), step, Totp.DIGITS);
  }

  /** A code that is none of the steps around now: wrong whatever step the CAS's clock is in. */
  static String wrongCode() {
    long now = Totp.step(System.currentTimeMillis());
    java.util.Set<String> near = LongStream.rangeClosed(now - 3, now + 3).mapToObj(OneTimePasswordTest::codeAt)
        .collect(java.util.stream.Collectors.toSet());
    return java.util.stream.Stream.of("000000", "111111", "222222").filter(c -> !near.contains(c)).findFirst().orElseThrow();
  }

  private AttestRequest withCode(HostKey signer, String code) throws Exception {
    return withCode(signer, code, RuntimeKey.generate());
  }

  private AttestRequest withCode(HostKey signer, String code, RuntimeKey key) throws Exception {
    AttestRequest r = AttestationHandshakeTest.request(signer, "app", runtime.nonce(), key, key.publicKeyset(), measurement);
    return new AttestRequest(r.session(), r.service(), r.nonce(), r.platform(), r.evidence(), r.runtimeKey(), r.runKey(), code, null);
  }

  private RunConfiguration attest(String code) throws Exception {
    RuntimeKey key = RuntimeKey.generate();
    return key.open(runtime.attest(withCode(host, code, key)));
  }

  @Test
  void theCurrentCodeStartsTheServiceOnceAndNoOlderCodeAfterIt() throws Exception {
    refused(() -> runtime.attest(withCode(host, null)), 403, "otp_missing", "needs a one-time password");
    refused(() -> runtime.attest(withCode(host, wrongCode())), 403, "otp_invalid", "not the current code");
    long now = Totp.step(System.currentTimeMillis());
    // the next step's code is in the window (clocks drift) ...
    assertThat(attest(codeAt(now + 1)).command()).startsWith("python3 /in/main.py");
    // ... and once it is used, neither it nor the current one (an earlier step) starts the service again
    refused(() -> runtime.attest(withCode(host, codeAt(now + 1))), 403, "otp_reused", "already used");
    refused(() -> runtime.attest(withCode(host, codeAt(now))), 403, "otp_reused", "already used");
    // a code two steps away is outside the window
    refused(() -> runtime.attest(withCode(host, codeAt(now + 3))), 403, "otp_invalid", "not the current code");
    assertThat(alice.audit(0, 100).entries()).filteredOn(e -> e.kind().equals("secrets.release")).hasSize(1);
  }

  @Test
  void fiveWrongCodesInARowPauseTheChecksEvenForTheRightOne() throws Exception {
    for (int i = 0; i < OneTimePasswords.FAILURES_BEFORE_PAUSE; i++) {
      refused(() -> runtime.attest(withCode(host, wrongCode())), 403, "otp_invalid", "not the current code");
    }
    String right = codeAt(Totp.step(System.currentTimeMillis()));
    refused(() -> runtime.attest(withCode(host, right)), 429, "otp_paused", "5 wrong one-time passwords in a row");
  }

  @Test
  void aHostTheSessionDoesNotTrustIsRefusedForItsEvidenceNotTheCode() throws Exception {
    HostKey stranger = HostKey.create(tmp.resolve("stranger/host-key"));
    String right = codeAt(Totp.step(System.currentTimeMillis()));
    AttestRequest fromStranger = withCode(stranger, right);
    refused(() -> runtime.attest(fromStranger), 403, "attestation_untrusted_host", "");
    // the code was not spent by the refused attempt
    assertThat(attest(right).command()).startsWith("python3 /in/main.py");
  }

  @Test
  void aKeyThatIsNotBase32OrTooShortIsRefusedWithoutRepeatingIt() {
    for (String key : java.util.List.of("not-base32-at-all!", "JBSWY3DPEHPK3PXP", "$$CONFIDE::otp$$")) {
      refused(() -> alice.createSession("""
          name: bad
          services: [{name: s, image_name: i, command: python3 /x.py}]
          images: [{name: i}]
          security: {attestation: {one_time_password_shared_secret: '%s'}}
          """.formatted(key)), 400, "invalid_session", "one_time_password_shared_secret");
      assertThatMessageOmits(key);
    }
  }

  private void assertThatMessageOmits(String key) {
    try {
      alice.createSession("""
          name: bad
          services: [{name: s, image_name: i, command: python3 /x.py}]
          images: [{name: i}]
          security: {attestation: {one_time_password_shared_secret: '%s'}}
          """.formatted(key));
    } catch (dev.confide.cas.common.CasException e) {
      assertThat(e.getMessage() + e.hint()).doesNotContain(key);
      return;
    }
    throw new AssertionError("accepted a bad key");
  }
}
