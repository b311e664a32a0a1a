package dev.confide.cas;

import static dev.confide.cas.AttestationHandshakeTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.attest.Measurement;
import dev.confide.cas.api.AttestRequest;
import dev.confide.cas.api.RunConfiguration;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.client.RunCredentials;
import dev.confide.cas.client.RuntimeKey;
import dev.confide.cas.common.CasException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE's {@code security.service_access_token} and {@code security.singleton_enclaves} over real
 * HTTPS: a service of a guarded session starts only with the token, which the CAS never keeps; a
 * singleton service is attested again only once its live run has ended, also when two runtimes race.
 */
class StartGuardsTest {
  static final String TOKEN = "the-owners-token-7c1f3a";

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
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    runtime.close();
    cas.close();
  }

  private void create(String name, String security) {
    alice.createSession(AttestationHandshakeTest.session(name, measurement.value(), false)
        + "security: {attestation: {tolerate: [simulation]}, " + security + "}\n");
  }

  private record Started(RunConfiguration config, RunCredentials run) {}

  private Started attest(String session, String token) throws Exception {
    RuntimeKey key = RuntimeKey.generate();
    AttestRequest r = AttestationHandshakeTest.request(host, session, runtime.nonce(), key, key.publicKeyset(), measurement);
    RunConfiguration config = key.open(runtime.attest(new AttestRequest(r.session(), r.service(), r.nonce(), r.platform(),
        r.evidence(), r.runtimeKey(), r.runKey(), null, token)));
    return new Started(config, new RunCredentials(config.runToken(), key));
  }

  @Test
  void theTokenStartsTheServiceAndTheCasKeepsOnlyItsDigest() throws Exception {
    create("guarded", "service_access_token: " + TOKEN);
    refused(() -> attest("guarded", null), 403, "access_token_missing", "needs its service access token");
    refused(() -> attest("guarded", TOKEN + "x"), 403, "access_token_invalid", "is not session guarded's");
    assertThat(attest("guarded", TOKEN).config().command()).startsWith("python3 /in/main.py");
    // again: a token is not spent by a run
    assertThat(attest("guarded", TOKEN).config().command()).startsWith("python3 /in/main.py");
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    assertThat(alice.session("guarded").toString()).doesNotContain(TOKEN).contains("sha256:" + digest);
    assertThat(java.nio.file.Files.walk(tmp).filter(java.nio.file.Files::isRegularFile).filter(p -> {
      try {
        return new String(java.nio.file.Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(TOKEN);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    })).as("no file of the CAS holds the token").isEmpty();

    // one session's token does not start another's
    create("other-guarded", "service_access_token: " + TOKEN + "-other");
    refused(() -> attest("other-guarded", TOKEN), 403, "access_token_invalid", "is not session other-guarded's");

    // a session written with the digest alone is started by the token too
    create("by-digest", "service_access_token: sha256:" + digest);
    refused(() -> attest("by-digest", "sha256:" + digest), 403, "access_token_invalid", "is not session by-digest's");
    assertThat(attest("by-digest", TOKEN).config().command()).startsWith("python3 /in/main.py");
  }

  @Test
  void aSingletonServiceStartsAgainOnlyOnceItsRunEnded() throws Exception {
    create("single", "singleton_enclaves: true");
    Started first = attest("single", null);
    refused(() -> attest("single", null), 409, "singleton_running", "already has a live run");
    runtime.endRun(first.run());
    Started second = attest("single", null);
    assertThat(second.config().runToken()).isNotEqualTo(first.config().runToken());
    refused(() -> attest("single", null), 409, "singleton_running", "singleton_enclaves");

    // without the flag, runs of one service live side by side
    create("many", "singleton_enclaves: false");
    attest("many", null);
    assertThat(attest("many", null).config().command()).startsWith("python3 /in/main.py");
  }

  @Test
  void ofTwoRuntimesRacingForASingletonServiceExactlyOneStarts() throws Exception {
    // no volume: nothing else of the attestation locks a row that would order the racers
    alice.createSession("""
        name: raced
        services:
          - {name: svc, command: python3 /in/main.py, attestation: [{mrenclave: [%s]}]}
        security: {attestation: {tolerate: [simulation]}, singleton_enclaves: true}
        """.formatted(measurement.value()));
    int racers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> outcomes = new java.util.ArrayList<>();
      for (int i = 0; i < racers; i++) {
        outcomes.add(pool.submit(() -> {
          go.await();
          try {
            attest("raced", null);
            return "started";
          } catch (CasException e) {
            return e.error();
          }
        }));
      }
      go.countDown();
      List<String> results = new java.util.ArrayList<>();
      for (Future<String> f : outcomes) {
        results.add(f.get());
      }
      assertThat(results).containsOnlyOnce("started").containsOnly("started", "singleton_running");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aServiceOrVolumeThatSconesFileShieldProtectsIsKeptButNeverStartedOrOpened() throws Exception {
    String sconeTag = "cd".repeat(16);
    alice.createSession("""
        name: scone-tree
        services:
          - {name: svc, command: python3 /in/main.py, attestation: [{mrenclave: [%s]}],
             fspf_path: /fs.fspf, fspf_key: %s, fspf_tag: %s}
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(measurement.value(), "ab".repeat(32), sconeTag));
    refused(() -> attest("scone-tree", null), 403, "scone_file_shield", "Confide's runtime cannot open");
    alice.createSession("""
        name: scone-volume
        services:
          - {name: svc, image_name: img, command: python3 /in/main.py, attestation: [{mrenclave: [%s]}]}
        volumes: [{name: data, fspf_key: %s, fspf_tag: %s}]
        images: [{name: img, volumes: [{name: data, path: /data}]}]
        security: {attestation: {tolerate: [simulation]}}
        """.formatted(measurement.value(), "ab".repeat(32), sconeTag));
    refused(() -> attest("scone-volume", null), 403, "scone_file_shield", "volume data of session scone-volume");
    refused(() -> alice.volume("scone-volume", "data"), 403, "scone_file_shield", "SCONE's file shield");
    refused(() -> alice.swap("scone-volume", "data", new dev.confide.cas.api.TagSwap(null, CasRulesContract.tag(1))), 403,
        "scone_file_shield", "SCONE's file shield");
    // nothing was adopted from the SCONE volume's key: no audit entry made a volume of it
    assertThat(alice.audit(0, 1000).entries()).noneMatch(e -> e.kind().equals("volume.create"));
  }
}
