package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurement;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RunCredentials;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.RunProof;
import dev.confide.volume.Tag;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run token is not a bearer capability: it is used only with the attested run's signature, moves
 * each writable volume once from the tag the run was given, never a read-only one, dies when its run
 * has committed, ends or expires; and no volume ever returns to a tag it held before.
 */
class RunTokenAttackTest {
  static final Tag T0 = CasRulesContract.tag(10);
  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient runtime;
  HostKey host;
  Measurement measurement;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    runtime = cas.client(null);
    host = HostKey.create(tmp.resolve("host/host-key"));
    measurement = CasFixture.measuredProgram(tmp);
    alice.trustSimHost(host.keyHash());
    alice.createSession("""
        name: app
        services:
          - name: svc
            image_name: img
            command: python3 /out/main.py
            attestation: [{mrenclave: [%s]}]
        volumes: [{name: out, key: %s, tag: %s}, {name: work}, {name: code}]
        images: [{name: img, volumes: [{name: out, path: /out}, {name: work, path: /work}, {name: code, path: /code, read_only: true}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(measurement.value(), "ab".repeat(32), T0));
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    runtime.close();
    cas.close();
  }

  /** An attested run of app/svc: its configuration and credentials. */
  private RunCredentials attest() {
    RuntimeKey key = RuntimeKey.generate();
    RunConfiguration config = key.open(runtime.attest(
        AttestationHandshakeTest.request(host, "app", runtime.nonce(), key, key.publicKeyset(), measurement)));
    return new RunCredentials(config.runToken(), key);
  }

  private static void refused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int status, String error, String part) {
    assertThatThrownBy(call).isInstanceOfSatisfying(CasException.class, e -> {
      assertThat(e.error()).isEqualTo(error);
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.getMessage()).contains(part);
    });
  }

  /** A swap sent by hand, as a thief of the token would: {@code proof} null sends no proof header. */
  private HttpResponse<String> rawSwap(String token, String proof, Tag newTag) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().sslContext(CasClient.pinnedTls(cas.server.fingerprint(), null)).build()) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cas.server.url() + "/v1/volume/swap?session=app&volume=out"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"old_tag\":\"" + T0 + "\",\"new_tag\":\"" + newTag + "\"}"));
      if (proof != null) {
        b.header(RunProof.HEADER, proof);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void aStolenTokenWithoutTheRunsKeyMovesNothing() throws Exception {
    RunCredentials run = attest();
    Tag t1 = CasRulesContract.tag(11);
    HttpResponse<String> bare = rawSwap(run.token(), null, t1);
    assertThat(bare.statusCode()).isEqualTo(401);
    assertThat(bare.body()).contains("\"error\":\"run_proof_missing\"").contains("the token alone proves nothing");
    // signed by a key the thief made
    RuntimeKey thief = RuntimeKey.generate();
    String forged = Base64.getEncoder().encodeToString(thief.sign(RunProof.swap(run.tokenHash(), "app", "out", T0, t1)));
    HttpResponse<String> wrongKey = rawSwap(run.token(), forged, t1);
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(wrongKey.body()).contains("\"error\":\"bad_run_proof\"");
    // the run's genuine signature, taken from one request and put on another (another new tag)
    String genuine = Base64.getEncoder().encodeToString(run.key().sign(RunProof.swap(run.tokenHash(), "app", "out", T0, t1)));
    HttpResponse<String> moved = rawSwap(run.token(), genuine, CasRulesContract.tag(12));
    assertThat(moved.statusCode()).isEqualTo(401);
    assertThat(moved.body()).contains("\"error\":\"bad_run_proof\"");
    assertThat(alice.volume("app", "out").tag()).isEqualTo(T0);
    // the run itself can
    assertThat(runtime.swap(run, "app", "out", new TagSwap(T0, t1)).tag()).isEqualTo(t1);
  }

  @Test
  void aRunMovesEachWritableVolumeOnceFromItsGivenTagAndNeverAReadOnlyOne() throws Exception {
    RunCredentials run = attest();
    refused(() -> runtime.swap(run, "app", "code", new TagSwap(null, CasRulesContract.tag(1))), 403, "forbidden",
        "volume code is mounted read-only in this run");
    refused(() -> runtime.swap(run, "app", "out", new TagSwap(CasRulesContract.tag(5), CasRulesContract.tag(1))), 409,
        "stale_tag", "was given volume out at tag " + T0);
    runtime.swap(run, "app", "out", new TagSwap(T0, CasRulesContract.tag(1)));
    refused(() -> runtime.swap(run, "app", "out", new TagSwap(CasRulesContract.tag(1), CasRulesContract.tag(2))), 409,
        "run_volume_used", "already moved volume out");
    // the last writable volume commits the run: its token dies
    runtime.swap(run, "app", "work", new TagSwap(null, CasRulesContract.tag(3)));
    refused(() -> runtime.swap(run, "app", "work", new TagSwap(CasRulesContract.tag(3), CasRulesContract.tag(4))), 401,
        "bad_run_token", "unknown or its run has ended");
    assertThat(alice.volume("app", "out").tag()).isEqualTo(CasRulesContract.tag(1));
  }

  @Test
  void anEndedOrExpiredTokenIsDeadAndRenewalKeepsALiveOneGoing() throws Exception {
    RunCredentials ended = attest();
    runtime.endRun(ended);
    refused(() -> runtime.swap(ended, "app", "out", new TagSwap(T0, CasRulesContract.tag(1))), 401, "bad_run_token", "has ended");
    refused(() -> runtime.renewRun(ended), 401, "bad_run_token", "has ended");

    RunCredentials expiring = attest();
    setExpiry(expiring, System.currentTimeMillis() - 1);
    refused(() -> runtime.swap(expiring, "app", "out", new TagSwap(T0, CasRulesContract.tag(1))), 401, "bad_run_token", "expired");

    RunCredentials renewed = attest();
    setExpiry(renewed, System.currentTimeMillis() + 1000);
    runtime.renewRun(renewed);
    assertThat(expiry(renewed)).isGreaterThan(System.currentTimeMillis() + RunTokens.LIFETIME_MILLIS - 60_000);
    assertThat(alice.audit(0, 1000).entries()).extracting(e -> e.kind()).contains("run.end");
  }

  @Test
  void aVolumeNeverReturnsToATagItHeldAndTheAttemptIsAudited() throws Exception {
    Tag t1 = CasRulesContract.tag(1);
    Tag t2 = CasRulesContract.tag(2);
    alice.swap("app", "out", new TagSwap(T0, t1));
    alice.swap("app", "out", new TagSwap(t1, t2));
    // by a principal allowed to swap
    refused(() -> alice.swap("app", "out", new TagSwap(t2, t1)), 409, "rollback", "held tag " + t1 + " before");
    refused(() -> alice.swap("app", "out", new TagSwap(t2, T0)), 409, "rollback", "held tag " + T0 + " before");
    // by an attested run given the current tag
    RunCredentials run = attest();
    refused(() -> runtime.swap(run, "app", "out", new TagSwap(t2, t1)), 409, "rollback", "would roll the volume back");
    assertThat(alice.volume("app", "out").tag()).isEqualTo(t2);
    assertThat(alice.audit(0, 1000).entries()).filteredOn(e -> e.kind().equals("tag.swap.refused")).hasSize(3)
        .allSatisfy(e -> assertThat(e.detail()).contains("rollback to an earlier tag"));
  }

  private void setExpiry(RunCredentials run, long at) {
    cas.server.service().store().transaction(c -> {
      try (var q = c.prepareStatement("UPDATE run_tokens SET expires_at = ? WHERE token_hash = ?")) {
        q.setLong(1, at);
        q.setString(2, run.tokenHash());
        return q.executeUpdate();
      }
    });
  }

  private long expiry(RunCredentials run) {
    return cas.server.service().store().transaction(c -> {
      try (var q = c.prepareStatement("SELECT expires_at FROM run_tokens WHERE token_hash = ?")) {
        q.setString(1, run.tokenHash());
        try (var r = q.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      }
    });
  }
}
