package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cas.api.PublicValues;
import dev.confide.cas.client.CasClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE's {@code export_public} over real HTTPS: a certificate's public part is readable by anyone
 * and importable by every session, never its key; what is not public stays the exporter's.
 */
class ExportPublicTest {
  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient bob;
  CasClient anyone;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    bob = cas.client(cas.bob);
    anyone = cas.client(null);
    alice.createSession("""
        name: pki
        secrets:
          - {name: ca, kind: x509-ca, export_public: true}
          - {name: server, kind: x509, issuer: ca, dns: [cas.example], export_public: true}
          - {name: shared, kind: x509, export: [partner]}
          - {name: token, kind: ascii}
        """);
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    bob.close();
    anyone.close();
    cas.close();
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void anyoneReadsTheCertificatesAndNeverAKey() throws Exception {
    PublicValues values = anyone.publicValues("pki");
    assertThat(values.values()).containsOnlyKeys("ca", "server");
    String stored = text(cas.server.service().secretValues("pki", "test").get("server"));
    assertThat(values.values().get("server").kind()).isEqualTo("x509");
    assertThat(values.values().get("server").value()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
    // exactly the certificate part of the stored value
    assertThat(stored).startsWith(values.values().get("server").value().strip()).contains("PRIVATE KEY");
    AttestationHandshakeTest.refused(() -> anyone.publicValues("nowhere"), 404, "not_found", "session nowhere makes no value public");
    alice.createSession("name: quiet\nsecrets: [{name: token, kind: ascii}]\n");
    AttestationHandshakeTest.refused(() -> anyone.publicValues("quiet"), 404, "not_found", "session quiet makes no value public");
  }

  @Test
  void everySessionImportsAPublicCertificateAsItsCertificateAlone() throws Exception {
    bob.createSession("""
        name: client
        secrets:
          - {name: trust, import: {session: pki, secret: ca}}
        """);
    String imported = text(cas.server.service().secretValues("client", "test").get("trust"));
    assertThat(imported).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY")
        .isEqualTo(anyone.publicValues("pki").values().get("ca").value());
    // what is not public is not importable without an export to the importer
    AttestationHandshakeTest.refused(() -> bob.createSession("name: thief\nsecrets: [{name: t, import: {session: pki, secret: token}}]\n"),
        409, "import_refused", "does not export secret token to thief");
    // and a session the export names gets the whole value, key included
    bob.createSession("name: partner\nsecrets: [{name: s, import: {session: pki, secret: shared}}]\n");
    assertThat(text(cas.server.service().secretValues("partner", "test").get("s"))).contains("PRIVATE KEY");
  }
}
