package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurement;
import dev.confide.attest.Measurer;
import dev.confide.attest.ReportData;
import dev.confide.attest.SimEvidenceProvider;
import dev.confide.cas.api.AttestNonce;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RunCredentials;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.volume.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handshake of DESIGN.md over real HTTPS: nonce, sim evidence, HPKE-sealed configuration, run token. */
class AttestationHandshakeTest {
  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient runtime;
  HostKey host;
  Measurement measurement;

  static String session(String name, String measurement, boolean tolerateSimulation) {
    return """
        name: %s
        services:
          - name: svc
            image_name: img
            command: python3 /in/main.py --token $$CONFIDE::token$$
            environment: {MODE: batch}
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: V1}]
        images: [{name: img, volumes: [{name: V1, path: /V1}]}]
        secrets: [{name: token, kind: ascii}]
        """.formatted(name, measurement) + (tolerateSimulation ? "security: {attestation: {tolerate: [simulation]}}\n" : "");
  }

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    runtime = cas.client(null);
    host = HostKey.create(tmp.resolve("host/host-key"));
    measurement = CasFixture.measuredProgram(tmp);
    alice.trustSimHost(host.keyHash());
    alice.createSession(session("app", measurement.value(), true));
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    runtime.close();
    cas.close();
  }

  private AttestRequest request(String session, AttestNonce nonce, RuntimeKey key, byte[] boundKey, Measurement m) {
    return request(host, session, nonce, key, boundKey, m);
  }

  /** What a runtime sends: evidence signed by {@code signer}, bound to {@code boundKey} and the key's run key. */
  static AttestRequest request(HostKey signer, String session, AttestNonce nonce, RuntimeKey key, byte[] boundKey, Measurement m) {
    return request(signer, session, "svc", nonce, key, boundKey, m);
  }

  /** As {@link #request(HostKey, String, AttestNonce, RuntimeKey, byte[], Measurement)}, for {@code service}. */
  static AttestRequest request(HostKey signer, String session, String service, AttestNonce nonce, RuntimeKey key, byte[] boundKey,
      Measurement m) {
    String reportData = ReportData.of(HexFormat.of().parseHex(nonce.nonce()), boundKey, key.signingKey());
    String evidence = new SimEvidenceProvider(signer).produce(m, reportData).encode();
    return new AttestRequest(session, service, nonce.nonce(), "sim", evidence,
        Base64.getEncoder().encodeToString(key.publicKeyset()), Base64.getEncoder().encodeToString(key.signingKey()));
  }

  static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String error, String part) {
    assertThatThrownBy(call).isInstanceOfSatisfying(CasException.class, e -> {
      assertThat(e.error()).isEqualTo(error);
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.getMessage()).contains(part);
      assertThat(e.hint()).isNotBlank();
    });
  }

  @Test
  void anAttestedRuntimeReceivesItsSealedConfigurationAndSwapsWithItsRunToken() throws Exception {
    RuntimeKey key = RuntimeKey.generate();
    RunConfiguration config = key.open(runtime.attest(request("app", runtime.nonce(), key, key.publicKeyset(), measurement)));
    assertThat(config.command()).isEqualTo("python3 /in/main.py --token $$CONFIDE::token$$");
    assertThat(config.environment()).containsEntry("MODE", "batch");
    assertThat(config.measurement()).isEqualTo(measurement.value());
    byte[] token = cas.server.service().secretValues("app", "test").get("token");
    assertThat(Base64.getDecoder().decode(config.secrets().get("token"))).isEqualTo(token);
    assertThat(config.mounts()).singleElement().satisfies(m -> {
      assertThat(m.path()).isEqualTo("/V1");
      assertThat(m.tag()).isNull();
      assertThat(m.key().copyBytes()).isEqualTo(cas.server.service().volumeKey("app", "V1", "test"));
    });
    // sealed to this run's key: another key cannot open it
    var second = runtime.attest(request("app", runtime.nonce(), key, key.publicKeyset(), measurement));
    refused(() -> RuntimeKey.generate().open(second), 0, "integrity", "does not open with this run's key");
    assertThat(key.open(second).runToken()).isNotEqualTo(config.runToken());

    Tag t1 = new Tag("1".repeat(64));
    RunCredentials run = new RunCredentials(config.runToken(), key);
    refused(() -> runtime.swap(new RunCredentials("not-a-token", key), "app", "V1", new TagSwap(null, t1)), 401, "bad_run_token", "unknown");
    alice.createSession(session("other", measurement.value(), true));
    refused(() -> runtime.swap(run, "other", "V1", new TagSwap(null, t1)), 403, "forbidden", "another session");
    assertThat(runtime.swap(run, "app", "V1", new TagSwap(null, t1)).tag()).isEqualTo(t1);
    assertThat(alice.audit(0, 100).entries()).extracting(e -> e.kind()).contains("attest", "secrets.release");
  }

  @Test
  void replayedEvidenceIsRefused() {
    RuntimeKey key = RuntimeKey.generate();
    AttestRequest request = request("app", runtime.nonce(), key, key.publicKeyset(), measurement);
    runtime.attest(request);
    refused(() -> runtime.attest(request), 403, "nonce_reused", "evidence is replayed");
    refused(() -> runtime.attest(new AttestRequest("app", "svc", "ab".repeat(32), "sim", request.evidence(), request.runtimeKey(),
            request.runKey())),
        403, "forbidden", "not issued by this CAS");
  }

  @Test
  void evidenceForAnotherKeyIsRefused() {
    RuntimeKey mine = RuntimeKey.generate();
    RuntimeKey attacker = RuntimeKey.generate();
    // evidence bound to the genuine runtime's key, presented with the attacker's key to seal to
    refused(() -> runtime.attest(request("app", runtime.nonce(), attacker, mine.publicKeyset(), measurement)),
        403, "attestation_report_data_mismatch", "another nonce or runtime key");
  }

  @Test
  void aMeasurementNotInTheListIsRefused() throws Exception {
    Path other = Files.writeString(tmp.resolve("python3-evil"), "#!/bin/sh\necho evil\n");
    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rwx------"));
    Measurement evil = new Measurer("d".repeat(64)).measure(List.of(other.toString()), null);
    RuntimeKey key = RuntimeKey.generate();
    refused(() -> runtime.attest(request("app", runtime.nonce(), key, key.publicKeyset(), evil)),
        403, "attestation_measurement_not_allowed", "measurement " + evil.value() + " is not in the service's mrenclave list");
  }

  @Test
  void simulatedEvidenceNeedsASessionThatToleratesIt() throws Exception {
    alice.createSession(session("strict", measurement.value(), false));
    RuntimeKey key = RuntimeKey.generate();
    assertThatThrownBy(() -> runtime.attest(request("strict", runtime.nonce(), key, key.publicKeyset(), measurement)))
        .isInstanceOfSatisfying(CasException.class, e -> {
          assertThat(e.error()).isEqualTo("attestation_simulation_not_tolerated");
          assertThat(e.getMessage()).contains("does not tolerate simulation");
          assertThat(e.hint()).contains("add 'simulation' to security.attestation.tolerate");
        });
  }

  @Test
  void evidenceForgedWithAFreshKeyGetsNothing() throws Exception {
    // the attacker: no certificate, no access to the host; a key of its own and the measurement computed offline
    HostKey forger = HostKey.create(tmp.resolve("forger/host-key"));
    RuntimeKey key = RuntimeKey.generate();
    refused(() -> runtime.attest(request(forger, "app", runtime.nonce(), key, key.publicKeyset(), measurement)),
        403, "attestation_untrusted_host", "signed by host key " + forger.keyHash() + ", which this session does not trust");
    // registering the key needs an identity, and vouches only for that identity's own sessions
    refused(() -> runtime.trustSimHost(forger.keyHash()), 401, "no_identity", "client certificate");
    try (CasClient mallory = cas.client(TlsIdentity.create(tmp.resolve("mallory"), "mallory"))) {
      mallory.trustSimHost(forger.keyHash());
    }
    refused(() -> runtime.attest(request(forger, "app", runtime.nonce(), key, key.publicKeyset(), measurement)), 403, "attestation_untrusted_host", "does not trust");
    assertThat(alice.audit(0, 100).entries()).extracting(e -> e.kind()).doesNotContain("secrets.release");
  }

  @Test
  void aSessionTrustsTheHostsItLists() throws Exception {
    HostKey listed = HostKey.create(tmp.resolve("listed/host-key"));
    alice.createSession(session("listing", measurement.value(), true)
        .replace("tolerate: [simulation]", "tolerate: [simulation], sim_hosts: [" + listed.keyHash() + "]"));
    RuntimeKey key = RuntimeKey.generate();
    RunConfiguration config = key.open(runtime.attest(request(listed, "listing", runtime.nonce(), key, key.publicKeyset(), measurement)));
    assertThat(config.session()).isEqualTo("listing");
    // the listed host is trusted by that session only, not by alice's others
    refused(() -> runtime.attest(request(listed, "app", runtime.nonce(), key, key.publicKeyset(), measurement)), 403, "attestation_untrusted_host", "does not trust");
  }

  @Test
  void anOutsiderCannotTellASessionThatExistsFromOneThatDoesNotNorLearnWhatItRuns() throws Exception {
    HostKey outsider = HostKey.create(tmp.resolve("outsider/host-key"));
    RuntimeKey key = RuntimeKey.generate();
    for (boolean plan : new boolean[] {true, false}) {
      CasException[] answers = new CasException[2];
      String[] sessions = {"app", "no-such-session"};
      for (int i = 0; i < 2; i++) {
        AttestRequest r = request(outsider, sessions[i], runtime.nonce(), key, key.publicKeyset(), measurement);
        answers[i] = org.assertj.core.api.Assertions.catchThrowableOfType(CasException.class,
            () -> { if (plan) { runtime.plan(r); } else { runtime.attest(r); } });
      }
      assertThat(answers[0].status()).isEqualTo(403).isEqualTo(answers[1].status());
      assertThat(answers[0].error()).isEqualTo("attestation_untrusted_host").isEqualTo(answers[1].error());
      assertThat(answers[0].getMessage()).isEqualTo(answers[1].getMessage());
      assertThat(answers[0].hint()).isEqualTo(answers[1].hint());
    }
    // the nonce names nothing, whatever it is asked for
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .sslContext(CasClient.pinnedTls(cas.server.fingerprint(), null)).build()) {
      String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(cas.server.url()
              + "/v1/attest/nonce?session=app&service=svc")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).contains("\"nonce\"").doesNotContain("python3").doesNotContain("executable").doesNotContain("path");
    }
    // a trusted host learns what to measure, sealed to its key only
    var sealed = runtime.plan(request("app", runtime.nonce(), key, key.publicKeyset(), measurement));
    assertThat(key.openPlan(sealed)).isEqualTo(new dev.confide.cas.api.RunPlan("python3", "/usr/local/bin:/usr/bin:/bin", java.util.List.of()));
    refused(() -> RuntimeKey.generate().openPlan(sealed), 0, "integrity", "does not open with this run's key");
    refused(() -> key.open(sealed), 0, "integrity", "does not open");
  }

  @Test
  void aPrincipalRegistersAtMostAHundredHosts() throws Exception {
    try (CasClient mallory = cas.client(TlsIdentity.create(tmp.resolve("mallory"), "mallory"))) {
      for (int i = 0; i < CasService.MAX_SIM_HOSTS; i++) {
        mallory.trustSimHost(String.format("%064x", i));
      }
      mallory.trustSimHost(String.format("%064x", 0)); // again: changes nothing
      refused(() -> mallory.trustSimHost("f".repeat(64)), 409, "too_many_hosts", "registered 100 hosts already");
    }
  }

  @Test
  void evidenceOfAPlatformThisVersionDoesNotVerifyIsRefusedByName() {
    RuntimeKey key = RuntimeKey.generate();
    AttestRequest sim = request("app", runtime.nonce(), key, key.publicKeyset(), measurement);
    refused(() -> runtime.attest(new AttestRequest(sim.session(), sim.service(), sim.nonce(), "sgx", sim.evidence(), sim.runtimeKey(),
        sim.runKey())), 403, "attestation_malformed", "evidence of platform 'sgx' is not one this version verifies (sim, snp, tdx)");
  }
}
