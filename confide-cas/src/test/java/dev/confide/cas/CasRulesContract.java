package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cas.api.AuditLog;
import dev.confide.cas.api.SessionReceipt;
import dev.confide.cas.api.SessionView;
import dev.confide.cas.api.TagSwap;
import dev.confide.cas.api.VolumeState;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.Pem;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.policy.SessionHash;
import dev.confide.policy.SessionParser;
import dev.confide.volume.Tag;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of the CAS, each through real HTTPS with client certificates; run on H2 and on PostgreSQL. */
abstract class CasRulesContract {
  @TempDir
  java.nio.file.Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient bob;

  /** The JDBC URL of an empty database, or null for the default H2 file. */
  abstract String jdbcUrl() throws Exception;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, jdbcUrl());
    alice = cas.client(cas.alice);
    bob = cas.client(cas.bob);
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    bob.close();
    cas.close();
  }

  static Tag tag(int n) {
    return new Tag(String.format("%064x", n));
  }

  static void refused(ThrowingCallable call, int status, String error, String messagePart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(CasException.class, e -> {
      assertThat(e.status()).as("status of " + e.getMessage()).isEqualTo(status);
      assertThat(e.error()).as(e.getMessage()).isEqualTo(error);
      assertThat(e.getMessage()).contains(messagePart);
      assertThat(e.hint()).isNotBlank();
    });
  }

  static final String COUNTER = """
      name: team
      access_policy: {create_sessions: [CREATOR]}
      """;

  String counter(String extra) {
    return """
        name: team/counter
        services:
          - name: counter
            image_name: img
            command: python3 /V1/counter.py $$CONFIDE::token$$
        volumes:
          - name: V1
        images:
          - name: img
            volumes: [{name: V1, path: /V1}]
        secrets:
          - name: token
            kind: ascii
          - name: given
            kind: ascii
            value: correct-horse-battery-staple
        """ + extra;
  }

  @Test
  void createReadAndHashAgreeWithTheLocalHash() throws Exception {
    alice.createSession(COUNTER);
    SessionReceipt receipt = alice.createSession(counter(""));
    String local = SessionHash.of(new SessionParser().parse("f", counter("")));
    assertThat(receipt.hash()).isEqualTo(local);
    SessionView view = alice.session("team/counter");
    assertThat(view.hash()).isEqualTo(local);
    assertThat(view.creator()).isEqualTo(cas.alice.keyHash());
    assertThat(view.secrets()).extracting(SessionView.SecretInfo::name, SessionView.SecretInfo::origin)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("token", "generated"), org.assertj.core.groups.Tuple.tuple("given", "given"));
    assertThat(view.volumes()).singleElement().satisfies(v -> {
      assertThat(v.tag()).isNull();
      assertThat(v.updatePolicy()).isEqualTo("rollback_protected");
    });
  }

  @Test
  void noSecretValueLeavesTheCasThroughTheApiOrSitsInTheDatabaseInPlaintext() throws Exception {
    alice.createSession(COUNTER);
    alice.createSession(counter(""));
    byte[] token = cas.server.service().secretValues("team/counter", "test").get("token");
    String raw = new ObjectMapperHolder().json(alice.session("team/counter"));
    assertThat(raw).doesNotContain("correct-horse-battery-staple").doesNotContain(new String(token, StandardCharsets.US_ASCII));
    try (Connection c = cas.server.database().dataSource().getConnection(); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT s.sealed, v.document FROM secrets s, sessions v WHERE v.name = s.session")) {
      while (r.next()) {
        assertThat(r.getString(1) + r.getString(2)).doesNotContain("correct-horse").doesNotContain(new String(token, StandardCharsets.US_ASCII));
      }
    }
  }

  @Test
  void createWithAPredecessorIsRefused() throws Exception {
    refused(() -> alice.createSession("name: solo\npredecessor: " + tag(1) + "\n"), 409, "predecessor_on_create", "cannot name a predecessor");
  }

  @Test
  void createOfAnExistingSessionIsRefused() throws Exception {
    alice.createSession("name: solo\n");
    refused(() -> bob.createSession("name: solo\n"), 409, "session_exists", "solo already exists");
  }

  @Test
  void updatesWithoutOrWithAStalePredecessorAreRefused() throws Exception {
    SessionReceipt first = alice.createSession("name: solo\nversion: \"1\"\n");
    refused(() -> alice.updateSession("solo", "name: solo\nversion: \"2\"\n"), 409, "predecessor_missing", "predecessor");
    SessionReceipt second = alice.updateSession("solo", "name: solo\nversion: \"2\"\npredecessor: " + first.hash() + "\n");
    assertThat(second.predecessor()).isEqualTo(first.hash());
    // a second writer who read version 1 loses instead of overwriting version 2
    refused(() -> alice.updateSession("solo", "name: solo\nversion: \"3\"\npredecessor: " + first.hash() + "\n"),
        409, "stale_predecessor", "its current hash is " + second.hash());
    assertThat(alice.session("solo").hash()).isEqualTo(second.hash());
  }

  @Test
  void onlyPrincipalsInReadAndUpdateSeeOrChangeASession() throws Exception {
    SessionReceipt s = alice.createSession("name: solo\n");
    refused(() -> bob.session("solo"), 403, "forbidden", "may not read session solo");
    refused(() -> bob.updateSession("solo", "name: solo\npredecessor: " + s.hash() + "\n"), 403, "forbidden", "may not update");
    SessionReceipt open = alice.updateSession("solo", "name: solo\npredecessor: " + s.hash()
        + "\naccess_policy: {read: [ANY], update: [CREATOR, " + cas.bob.keyHash() + "]}\n");
    assertThat(bob.session("solo").hash()).isEqualTo(open.hash());
    SessionReceipt byBob = bob.updateSession("solo", "name: solo\npredecessor: " + open.hash()
        + "\naccess_policy: {read: [ANY], update: [NONE]}\n");
    refused(() -> alice.updateSession("solo", "name: solo\npredecessor: " + byBob.hash() + "\n"), 403, "forbidden", "may not update");
  }

  @Test
  void creatingBelowANamespaceNeedsItsCreateSessionsRight() throws Exception {
    refused(() -> alice.createSession("name: ns/x\n"), 404, "not_found", "namespace ns does not exist");
    alice.createSession("name: ns\n");
    refused(() -> bob.createSession("name: ns/x\n"), 403, "forbidden", "may not create sessions in namespace ns");
    alice.createSession("name: ns/x\n");
    alice.createSession("name: open\naccess_policy: {create_sessions: [" + cas.bob.keyHash() + "]}\n");
    assertThat(bob.createSession("name: open/b\n").name()).isEqualTo("open/b");
  }

  @Test
  void onlyTheCasSessionCreatorsCreateTopLevelSessions() throws Exception {
    // any self-made identity: not one of the CAS's session creators
    try (dev.confide.cas.client.CasClient mallory = cas.client(TlsIdentity.create(tmp.resolve("mallory"), "mallory"))) {
      refused(() -> mallory.createSession("name: grab\n"), 403, "forbidden", "you may not create top-level sessions at this CAS");
      alice.createSession("name: open\naccess_policy: {create_sessions: [ANY]}\n");
      assertThat(mallory.createSession("name: open/m\n").name()).isEqualTo("open/m");
    }
  }

  @Test
  void secretsMigrateAsSconeDoes() throws Exception {
    String v1 = """
        name: keys
        secrets:
          - {name: text, kind: ascii, size: 20}
          - {name: raw, kind: binary}
          - {name: k1, kind: private-key}
          - {name: k2, kind: private-key, algorithm: P-384, migrate: true}
          - {name: ca, kind: x509-ca, common_name: Test CA}
          - {name: leaf, kind: x509, issuer: ca, common_name: svc, san: [svc.local]}
        """;
    SessionReceipt r1 = alice.createSession(v1);
    Map<String, byte[]> before = cas.server.service().secretValues("keys", "test");
    assertThat(before.get("text")).hasSize(20);
    assertThat(new String(before.get("leaf"), StandardCharsets.US_ASCII)).contains("BEGIN CERTIFICATE").contains("BEGIN PRIVATE KEY");
    java.security.cert.X509Certificate leaf = Pem.readCertificate(before.get("leaf"));
    java.security.cert.X509Certificate ca = Pem.readCertificate(before.get("ca"));
    leaf.verify(ca.getPublicKey());
    alice.updateSession("keys", v1 + "predecessor: " + r1.hash() + "\nversion: \"2\"\n");
    Map<String, byte[]> after = cas.server.service().secretValues("keys", "test");
    assertThat(after.get("text")).isEqualTo(before.get("text"));
    assertThat(after.get("raw")).isEqualTo(before.get("raw"));
    assertThat(after.get("k1")).isNotEqualTo(before.get("k1"));
    assertThat(after.get("k2")).isEqualTo(before.get("k2"));
    assertThat(after.get("ca")).isNotEqualTo(before.get("ca"));
    assertThat(alice.audit(0, 100).entries()).extracting(e -> e.kind())
        .containsExactly("session.create", "secrets.release", "session.update", "secrets.release");
  }

  @Test
  void aRefusedSessionComesBackWithEveryProblemInTheBody() {
    assertThatThrownBy(() -> alice.createSession("name: bad\nservices:\n  - name: x\n    comand: run\n"
        + "volumes:\n  - {name: v, update_policy: sometimes}\n")).isInstanceOfSatisfying(CasException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.error()).isEqualTo("invalid_session");
          assertThat(e.problems()).extracting(p -> p.line() + ":" + p.column() + " " + p.message()).containsExactly(
              "3:5 service 'x' has no 'command'", "4:5 unknown field 'comand' in 'services[0]'",
              "6:30 'sometimes' is not an update policy");
          assertThat(e.problems()).allSatisfy(p -> assertThat(p.hint()).isNotBlank());
        });
  }

  @Test
  void anExportToANamespaceAdmitsItsSessionsAndNoOthers() throws Exception {
    bob.createSession("name: owner\nsecrets:\n  - {name: key, kind: binary, export: [{namespace: team}]}\n");
    alice.createSession("name: team\n");
    alice.createSession("name: team/app\nsecrets:\n  - name: k\n    import: {session: owner, secret: key}\n");
    assertThat(cas.server.service().secretValues("team/app", "test").get("k")).hasSize(32);
    refused(() -> alice.createSession("name: teammate\nsecrets:\n  - name: k\n    import: {session: owner, secret: key}\n"),
        409, "import_refused", "does not export secret key to teammate");
  }

  @Test
  void aPinnedExportStopsWorkingWhenTheImporterChanges() throws Exception {
    String importer = "name: user\nsecrets:\n  - name: k\n    import: {session: owner, secret: key}\n";
    String importerHash = SessionHash.of(new SessionParser().parse("f", importer));
    refused(() -> alice.createSession(importer), 409, "import_unresolved", "owner, which does not exist");
    bob.createSession("name: owner\nsecrets:\n  - name: key\n    kind: binary\n    export:\n      - {session: user, session_hash: "
        + importerHash + "}\n");
    SessionReceipt created = alice.createSession(importer);
    assertThat(created.hash()).isEqualTo(importerHash);
    assertThat(cas.server.service().secretValues("user", "test").get("k")).hasSize(32);
    refused(() -> alice.updateSession("user", importer + "version: \"2\"\npredecessor: " + importerHash + "\n"),
        409, "export_pinned", "only at session hash " + importerHash);
    refused(() -> alice.createSession("name: other\nsecrets:\n  - name: k\n    import: {session: owner, secret: key}\n"),
        409, "import_refused", "does not export secret key to other");
  }

  @Test
  void aVolumeKeyGoesOnlyToWhoMayUpdateItsSessionAndNeverForAnImportedVolume() throws Exception {
    alice.createSession(COUNTER);
    alice.createSession(counter("access_policy: {read: [ANY]}\n"));
    // the owner gets the key an attested runtime of the session gets (made now: no run used it yet)
    byte[] forRuntimes = cas.server.service().volumeKey("team/counter", "V1", "test");
    assertThat(alice.volumeKey("team/counter", "V1").copyBytes()).isEqualTo(forRuntimes);
    // bob may read the session, not update it: no key
    assertThat(bob.session("team/counter").name()).isEqualTo("team/counter");
    refused(() -> bob.volumeKey("team/counter", "V1"), 403, "forbidden", "may not read the volume keys");
    refused(() -> alice.volumeKey("team/counter", "V9"), 404, "not_found", "has no volume V9");
    refused(() -> alice.volumeKey("team/nothing", "V1"), 404, "not_found", "does not exist");
    try (CasClient anonymous = cas.client(null)) {
      refused(() -> anonymous.volumeKey("team/counter", "V1"), 401, "no_identity", "client certificate");
    }
    // a session that imports a volume (exported to it) does not make the importer its owner
    bob.createSession("name: owner\nvolumes:\n  - name: data\n    export: [{session: borrower}]\n");
    alice.createSession("name: borrower\nvolumes:\n  - name: data\n    import: {session: owner, volume: data}\n");
    refused(() -> alice.volumeKey("borrower", "data"), 403, "forbidden", "imported from session owner");
    assertThat(bob.volumeKey("owner", "data").copyBytes())
        .isEqualTo(cas.server.service().volumeKey("borrower", "data", "test"));
    AuditLog log = alice.audit(0, 1000);
    assertThat(log.entries()).filteredOn(e -> e.kind().equals("volume.key.export"))
        .extracting(e -> e.subject() + " " + e.principal())
        .containsExactly("team/counter/V1 " + cas.alice.keyHash(), "owner/data " + cas.bob.keyHash());
  }

  @Test
  void tagSwapsAreCompareAndSwap() throws Exception {
    alice.createSession(COUNTER);
    alice.createSession(counter(""));
    VolumeState first = alice.swap("team/counter", "V1", new TagSwap(null, tag(1)));
    assertThat(first.tag()).isEqualTo(tag(1));
    assertThat(first.generation()).isEqualTo(1);
    refused(() -> alice.swap("team/counter", "V1", new TagSwap(null, tag(2))), 409, "stale_tag", "is at tag " + tag(1));
    assertThat(alice.swap("team/counter", "V1", new TagSwap(tag(1), tag(2))).generation()).isEqualTo(2);
    refused(() -> alice.swap("team/counter", "V1", new TagSwap(tag(1), tag(3))), 409, "stale_tag", "not at " + tag(1));
    assertThat(alice.volume("team/counter", "V1").tag()).isEqualTo(tag(2));
    refused(() -> bob.swap("team/counter", "V1", new TagSwap(tag(2), tag(3))), 403, "forbidden", "may not move the tags");
    refused(() -> alice.swap("team/counter", "V9", new TagSwap(tag(2), tag(3))), 404, "not_found", "has no volume V9");
    // a typed client cannot send a malformed tag; a hand-made body is refused while it is read
    for (String body : List.of("{\"old_tag\":\"" + tag(2) + "\",\"new_tag\":\"short\"}",
        "{\"old_tag\":\"" + tag(2) + "\",\"new_tag\":\"" + "AB".repeat(32) + "\"}",
        "{\"old_tag\":\"" + tag(2) + "\"}")) {
      java.net.http.HttpResponse<String> bad = rawSwapAsAlice(body);
      assertThat(bad.statusCode()).as(body).isEqualTo(400);
      assertThat(bad.body()).as(body).contains("\"error\":\"bad_request\"").contains("64 lower-case hex");
    }
    assertThat(alice.volume("team/counter", "V1").tag()).isEqualTo(tag(2));
  }

  private java.net.http.HttpResponse<String> rawSwapAsAlice(String body) throws Exception {
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .sslContext(CasClient.pinnedTls(cas.server.fingerprint(), cas.alice)).build()) {
      return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(cas.server.url()
              + "/v1/volume/swap?session=team/counter&volume=V1")).header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void ofConcurrentSwapsFromOneTagExactlyOneWins() throws Exception {
    alice.createSession(COUNTER);
    alice.createSession(counter(""));
    alice.swap("team/counter", "V1", new TagSwap(null, tag(1)));
    int n = 16;
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int me = i;
      racers.add(() -> {
        try (CasClient c = cas.client(cas.alice)) {
          go.await();
          c.swap("team/counter", "V1", new TagSwap(tag(1), tag(100 + me)));
          return true;
        } catch (CasException e) {
          assertThat(e.error()).isEqualTo("stale_tag");
          return false;
        }
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (Callable<Boolean> r : racers) {
        results.add(pool.submit(r));
      }
      go.countDown();
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get() ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
    assertThat(alice.volume("team/counter", "V1").generation()).isEqualTo(2);
  }

  @Test
  void aProtectedVolumeNeverReturnsToATagItHeld() throws Exception {
    alice.createSession(COUNTER);
    alice.createSession(counter(""));
    alice.swap("team/counter", "V1", new TagSwap(null, tag(1)));
    alice.swap("team/counter", "V1", new TagSwap(tag(1), tag(2)));
    // back to an earlier tag from the current one, to the current one, and from a stale one: each a rollback
    refused(() -> alice.swap("team/counter", "V1", new TagSwap(tag(2), tag(1))), 409, "rollback", "held tag " + tag(1) + " before");
    refused(() -> alice.swap("team/counter", "V1", new TagSwap(tag(2), tag(2))), 409, "rollback", "held tag " + tag(2) + " before");
    refused(() -> alice.swap("team/counter", "V1", new TagSwap(tag(9), tag(1))), 409, "rollback", "would roll the volume back");
    // nothing moved, and the refused swaps left no record that would refuse a new tag
    VolumeState now = alice.volume("team/counter", "V1");
    assertThat(now.tag()).isEqualTo(tag(2));
    assertThat(now.generation()).isEqualTo(2);
    assertThat(alice.swap("team/counter", "V1", new TagSwap(tag(2), tag(3))).generation()).isEqualTo(3);
    assertThat(alice.audit(0, 1000).entries()).filteredOn(e -> e.kind().equals("tag.swap.refused")).hasSize(3);
  }

  @Test
  void ephemeralAndUnprotectedVolumesBehaveAsNamed() throws Exception {
    alice.createSession("name: vols\nvolumes:\n  - {name: tmp, update_policy: ephemeral}\n  - {name: loose, update_policy: no_rollback_protection}\n");
    alice.swap("vols", "tmp", new TagSwap(null, tag(1)));
    VolumeState tmp = alice.swap("vols", "tmp", new TagSwap(tag(7), tag(2)));
    assertThat(tmp.tag()).isNull();
    assertThat(alice.volume("vols", "tmp").tag()).isNull();
    alice.swap("vols", "loose", new TagSwap(null, tag(1)));
    alice.swap("vols", "loose", new TagSwap(tag(1), tag(2)));
    VolumeState rolledBack = alice.swap("vols", "loose", new TagSwap(tag(1), tag(1)));
    assertThat(rolledBack.tag()).isEqualTo(tag(1));
  }

  @Test
  void theFirstUseOfAVolumeCreatesItsKeyOnce() throws Exception {
    alice.createSession("name: vols\nvolumes:\n  - {name: data}\n");
    byte[] k1 = cas.server.service().volumeKey("vols", "data", "test");
    byte[] k2 = cas.server.service().volumeKey("vols", "data", "test");
    assertThat(k1).hasSize(32).isEqualTo(k2);
    alice.createSession("name: vols2\nvolumes:\n  - {name: data}\n");
    assertThat(cas.server.service().volumeKey("vols2", "data", "test")).isNotEqualTo(k1);
  }

  @Test
  void theAuditLogRecordsEveryChangeAndDetectsTampering() throws Exception {
    SessionReceipt s = alice.createSession("name: vols\nvolumes:\n  - {name: data}\n");
    alice.updateSession("vols", "name: vols\nversion: \"2\"\npredecessor: " + s.hash() + "\nvolumes:\n  - {name: data}\n");
    alice.swap("vols", "data", new TagSwap(null, tag(1)));
    alice.swap("vols", "data", new TagSwap(tag(1), tag(2)));
    AuditLog log = alice.audit(0, 1000);
    assertThat(log.entries()).extracting(e -> e.kind())
        .containsExactly("session.create", "session.update", "volume.create", "tag.swap", "tag.swap");
    java.security.PublicKey casKey = TlsIdentity.load(tmp.resolve("cas/tls")).certificate().getPublicKey();
    assertThat(AuditChain.verify(log, casKey)).isEmpty();
    // a head verified before, remembered outside the database: the log must still hold it
    assertThat(AuditChain.extendsHead(log, 5, log.headHash())).isEmpty();
    assertThat(AuditChain.extendsHead(log, 2, log.entries().get(1).hash())).isEmpty();
    assertThat(AuditChain.extendsHead(log, 2, "0".repeat(64))).contains("entry 2 is not the entry verified before"
        + " (its hash was " + "0".repeat(64) + "): the log was rewritten");
    assertThat(AuditChain.extendsHead(log, 6, "0".repeat(64))).contains("the log ends at entry 5, but entry 6 was"
        + " verified before: entries at the end were removed and the head moved back");
    refused(() -> bob.audit(0, 10), 403, "forbidden", "may not read the audit log");

    sql("UPDATE audit SET detail = 'hash=forged' WHERE seq = 2");
    AuditLog changed = alice.audit(0, 1000);
    assertThat(AuditChain.verify(changed, casKey))
        .contains("entry 2 was changed (its content does not match its hash)");
    sql("UPDATE audit SET detail = '" + log.entries().get(1).detail() + "' WHERE seq = 2");

    sql("UPDATE audit SET seq = 100 WHERE seq = 3");
    sql("UPDATE audit SET seq = 3 WHERE seq = 4");
    sql("UPDATE audit SET seq = 4 WHERE seq = 100");
    AuditLog reordered = alice.audit(0, 1000);
    assertThat(AuditChain.verify(reordered, casKey))
        .contains("entry 3 was changed (its content does not match its hash)");
    sql("UPDATE audit SET seq = 100 WHERE seq = 3");
    sql("UPDATE audit SET seq = 3 WHERE seq = 4");
    sql("UPDATE audit SET seq = 4 WHERE seq = 100");
    AuditLog restored = alice.audit(0, 1000);
    assertThat(AuditChain.verify(restored, casKey)).isEmpty();

    sql("DELETE FROM audit WHERE seq = 2");
    AuditLog gap = alice.audit(0, 1000);
    assertThat(AuditChain.verify(gap, casKey))
        .contains("entry 2 is missing (the log jumps from 1 to 3)");

    sql("DELETE FROM audit WHERE seq = 5");
    sql("DELETE FROM audit WHERE seq < 5");
    AuditLog tail = alice.audit(0, 1000);
    assertThat(tail.entries()).isEmpty();
    assertThat(AuditChain.verify(tail, casKey))
        .contains("the log ends at entry 0 but the CAS's head names entry 5: entries at the end were deleted or the head was changed");
  }

  @Test
  void aMovedSecretCiphertextDoesNotDecrypt() throws Exception {
    alice.createSession("name: one\nsecrets:\n  - {name: a, kind: ascii}\n  - {name: b, kind: ascii}\n");
    sql("UPDATE secrets SET sealed = (SELECT sealed FROM secrets WHERE name = 'a') WHERE name = 'b'");
    refused(() -> cas.server.service().secretValues("one", "test"), 500, "integrity", "does not decrypt under the master key");
  }

  private void sql(String statement) throws Exception {
    try (Connection c = cas.server.database().dataSource().getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
      s.executeUpdate();
      c.commit();
    }
  }

  /** Renders API values as the wire shows them. */
  static final class ObjectMapperHolder {
    String json(Object value) throws Exception {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
    }
  }
}
