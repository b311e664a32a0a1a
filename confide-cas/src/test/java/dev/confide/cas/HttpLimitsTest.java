package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.PrivateFiles;
import dev.confide.cas.common.TlsIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the HTTP face refuses, and how: status, JSON error body, hint. */
class HttpLimitsTest {
  @TempDir Path tmp;
  CasFixture cas;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
  }

  @AfterEach
  void stop() throws Exception {
    cas.close();
  }

  @Test
  void firstStartCreatesAPrivateFolderAndKeys() throws Exception {
    Path dir = tmp.resolve("cas");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    for (String f : new String[] {"master-key.json", "tls/key.pem"}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).isEqualTo("rw-------");
    }
    assertThat(cas.server.fingerprint()).matches("SHA256:[A-Za-z0-9+/]{43}");
    assertThat(CasHome.open(dir).identity().fingerprint()).isEqualTo(cas.server.fingerprint());
  }

  @Test
  void aLoosenedDataFolderIsRefused() throws Exception {
    Path dir = tmp.resolve("loose");
    CasHome.open(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> CasHome.open(dir)).isInstanceOf(PrivateFiles.LoosePermissionsException.class)
        .hasMessageContaining("accessible by group or others");
  }

  @Test
  void healthNeedsNoIdentityButTheApiAndTheMetricsDo() throws Exception {
    try (CasClient anonymous = cas.client(null); CasClient bob = cas.client(cas.bob)) {
      assertThat(anonymous.health()).contains("\"ok\"");
      assertThatThrownBy(anonymous::metrics).isInstanceOfSatisfying(CasException.class, e -> assertThat(e.error()).isEqualTo("no_identity"));
      assertThatThrownBy(bob::metrics).isInstanceOfSatisfying(CasException.class, e -> {
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo("you may not read the CAS's metrics");
      });
      assertThatThrownBy(() -> anonymous.session("x")).isInstanceOfSatisfying(CasException.class, e -> {
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.error()).isEqualTo("no_identity");
        assertThat(e.hint()).contains("confide identity create");
      });
    }
    try (CasClient alice = cas.client(cas.alice)) {
      alice.createSession("name: m\nvolumes: [{name: V}]\n");
      alice.swap("m", "V", new TagSwap(null, CasRulesContract.tag(1)));
      String metrics = alice.metrics();
      assertThat(metrics).contains("confide_cas_tag_swaps_total{outcome=\"committed\"} 1.0")
          .contains("confide_cas_sessions 1.0")
          .contains("confide_cas_requests_seconds_count{route=\"session.create\",status=\"201\"} 1");
    }
  }

  @Test
  void unknownPathsWrongMethodsAndHugeBodiesGetJsonErrors() throws Exception {
    try (HttpClient raw = rawClient()) {
      HttpResponse<String> missing = raw.send(HttpRequest.newBuilder(URI.create(cas.server.url() + "/v2/nothing")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("\"error\":\"not_found\"").contains("\"hint\":");
      HttpResponse<String> wrong = raw.send(HttpRequest.newBuilder(URI.create(cas.server.url() + "/health"))
          .DELETE().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(405);
      HttpResponse<String> hugeHeaders = raw.send(HttpRequest.newBuilder(URI.create(cas.server.url() + "/health"))
          .header("X-Filler", "x".repeat(20_000)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(hugeHeaders.statusCode()).isEqualTo(431);
      assertThat(hugeHeaders.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(hugeHeaders.body()).isEqualTo("{\"error\":\"too_large\",\"message\":\"the request's headers exceed 16 KiB\","
          + "\"hint\":\"send smaller headers\"}");
    }
    try (CasClient alice = cas.client(cas.alice)) {
      String huge = "name: big\nversion: \"" + "x".repeat(CasHttpHandler.MAX_BODY) + "\"\n";
      assertThatThrownBy(() -> alice.createSession(huge)).isInstanceOfSatisfying(CasException.class, e -> {
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.error()).isEqualTo("too_large");
      });
      assertThatThrownBy(() -> alice.createSession("name: a/b\nservices: nope\n")).isInstanceOfSatisfying(CasException.class, e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("session:2:11: 'services' must be a list");
      });
    }
  }

  @Test
  void aClientWithTheWrongPinRefusesToTalk() throws Exception {
    assertThat(CasClient.presentedFingerprint(URI.create(cas.server.url()))).isEqualTo(cas.server.fingerprint());
    String other = TlsIdentity.create(tmp.resolve("other"), "other").fingerprint();
    try (CasClient c = CasClient.connect("x", URI.create(cas.server.url()), other, cas.alice)) {
      assertThatThrownBy(c::health).isInstanceOfSatisfying(CasException.class, e -> {
        assertThat(e.error()).isEqualTo("fingerprint_mismatch");
        assertThat(e.getMessage()).contains("presented key " + cas.server.fingerprint()).contains(other + " is pinned");
      });
    }
  }

  @Test
  void onlyTls13IsSpoken() throws Exception {
    SSLContext tls12 = SSLContext.getInstance("TLSv1.2");
    tls12.init(null, new javax.net.ssl.TrustManager[] {new TrustEverything()}, null);
    SSLParameters params = new SSLParameters();
    params.setProtocols(new String[] {"TLSv1.2"});
    try (HttpClient old = HttpClient.newBuilder().sslContext(tls12).sslParameters(params).build()) {
      assertThatThrownBy(() -> old.send(HttpRequest.newBuilder(URI.create(cas.server.url() + "/health")).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void nobodyFillsTheNonceTable() throws Exception {
    try (CasClient anonymous = cas.client(null)) {
      for (int i = 0; i < CasAttestation.NONCES_PER_CALLER; i++) {
        anonymous.nonce();
      }
      assertThatThrownBy(anonymous::nonce).isInstanceOfSatisfying(CasException.class, e -> {
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.error()).isEqualTo("too_many_nonces");
        assertThat(e.getMessage()).isEqualTo("too many unused nonces are outstanding for 127.0.0.1");
      });
    }
    // expired ones are deleted as new ones are asked for, and no longer count
    cas.server.service().store().transaction(c -> {
      try (var q = c.prepareStatement("UPDATE nonces SET expires_at = 0")) {
        return q.executeUpdate();
      }
    });
    try (CasClient anonymous = cas.client(null)) {
      anonymous.nonce();
    }
    long left = cas.server.service().store().<Long>transaction(c -> {
      try (var q = c.prepareStatement("SELECT COUNT(*) FROM nonces"); var r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    });
    assertThat(left).isEqualTo(1L);
  }

  private HttpClient rawClient() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(null, new javax.net.ssl.TrustManager[] {new TrustEverything()}, null);
    return HttpClient.newBuilder().sslContext(tls).build();
  }

  /** Only for probing error bodies; the real client pins the key. */
  private static final class TrustEverything extends javax.net.ssl.X509ExtendedTrustManager {
    public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a, java.net.Socket s) {}
    public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a, java.net.Socket s) {}
    public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
    public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) {}
    public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}
    public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }
}
