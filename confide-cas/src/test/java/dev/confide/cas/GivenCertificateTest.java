package dev.confide.cas;

import static dev.confide.cas.AttestationHandshakeTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cas.client.CasClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCONE's x509 and x509-ca secrets with a given {@code value} (a trust bundle, a certificate issued
 * elsewhere, as SPIRE's SCONE plugin writes them), made here by OpenSSL: kept with the key its
 * {@code private_key} names and the certificates of its {@code issuer}, which the CAS checks.
 */
class GivenCertificateTest {
  @TempDir Path tmp;
  CasFixture cas;
  CasClient alice;
  CasClient anyone;

  @BeforeEach
  void start() throws Exception {
    cas = new CasFixture(tmp, null);
    alice = cas.client(cas.alice);
    anyone = cas.client(null);
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=bundle",
        "-days", "30", "-keyout", "ca.key", "-out", "ca.pem");
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=svid",
        "-keyout", "leaf.key", "-out", "leaf.csr");
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "7", "-out", "leaf.pem");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=other",
        "-days", "30", "-keyout", "other.key", "-out", "other.pem");
  }

  @AfterEach
  void stop() throws Exception {
    alice.close();
    anyone.close();
    cas.close();
  }

  private void openssl(String... args) throws Exception {
    Process p = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("openssl"), List.of(args).stream()).toList())
        .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("openssl.log").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("openssl.log"))).isZero();
  }

  private String pem(String file) throws Exception {
    return Files.readString(tmp.resolve(file));
  }

  /** A YAML block scalar's lines, indented under a secret's {@code value: |}. */
  private static String block(String text) {
    return text.strip().lines().map(l -> "        " + l).reduce((a, b) -> a + "\n" + b).orElseThrow();
  }

  private String session(String name, String leafKey, String leafIssuer) throws Exception {
    return """
        name: %s
        secrets:
          - name: bundle
            kind: x509-ca
            export_public: true
            value: |
        %s
          - name: svid_key
            kind: private-key
            value: |
        %s
          - name: svid
            kind: x509
            private_key: svid_key
            issuer: %s
            value: |
        %s
        """.formatted(name, block(pem(leafIssuer)), block(pem(leafKey)), "bundle", block(pem("leaf.pem")));
  }

  @Test
  void aGivenCertificateIsKeptWithItsIssuersCertificatesAndItsKey() throws Exception {
    alice.createSession(session("spire-svid", "leaf.key", "ca.pem"));
    String svid = new String(cas.server.service().secretValues("spire-svid", "test").get("svid"), StandardCharsets.US_ASCII);
    List<String> blocks = java.util.regex.Pattern.compile("-----BEGIN ([A-Z ]+)-----").matcher(svid).results().map(r -> r.group(1)).toList();
    assertThat(blocks).containsExactly("CERTIFICATE", "CERTIFICATE", "PRIVATE KEY");
    var factory = java.security.cert.CertificateFactory.getInstance("X.509");
    var chain = factory.generateCertificates(new java.io.ByteArrayInputStream(
        svid.substring(0, svid.indexOf("-----BEGIN PRIVATE KEY")).getBytes(StandardCharsets.US_ASCII))).stream()
        .map(c -> ((java.security.cert.X509Certificate) c).getSubjectX500Principal().getName()).toList();
    assertThat(chain).containsExactly("CN=svid", "CN=bundle");
    assertThat(svid).endsWith(pem("leaf.key").strip() + "\n");
    // the bundle is a trust anchor without a key: anyone reads it, its certificate alone
    assertThat(anyone.publicValues("spire-svid").values().get("bundle").value().strip()).isEqualTo(
        new String(dev.confide.cas.common.Pem.certificate(dev.confide.cas.common.Pem.readCertificate(pem("ca.pem").getBytes(StandardCharsets.US_ASCII))),
            StandardCharsets.US_ASCII).strip());
  }

  @Test
  void aGivenCertificateOfAnotherKeyOrIssuerIsRefused() throws Exception {
    refused(() -> alice.createSession(session("wrong-key", "other.key", "ca.pem")), 400, "bad_request",
        "certificate 'svid' does not certify the key of private_key 'svid_key'");
    refused(() -> alice.createSession(session("wrong-issuer", "leaf.key", "other.pem")), 400, "bad_request",
        "certificate 'svid' is not signed by its issuer 'bundle''s certificate");
  }
}
