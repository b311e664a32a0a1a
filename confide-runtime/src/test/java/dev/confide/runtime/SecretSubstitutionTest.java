package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the runtime puts in place of each placeholder, SCONE's dotted certificate parts among them. */
class SecretSubstitutionTest {
  static final String CERT = "-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n";
  static final String KEY = "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n";

  final SecretSubstitution substitution = new SecretSubstitution(Map.of(
      "server", (CERT + KEY).getBytes(StandardCharsets.US_ASCII),
      "plain.crt", "a value of its own".getBytes(StandardCharsets.US_ASCII),
      "signer", (PGP_PUBLIC + PGP_SECRET).getBytes(StandardCharsets.US_ASCII)));
  static final String PGP_PUBLIC = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nUFVC\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n";
  static final String PGP_SECRET = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nU0VD\n=BBBB\n-----END PGP PRIVATE KEY BLOCK-----\n";

  @Test
  void aPgpKeysPartsAreItsPublicAndSecretKeyBlocks() {
    assertThat(substitution.apply("$$SCONE::signer:public$$", "f")).isEqualTo(PGP_PUBLIC);
    assertThat(substitution.apply("$$SCONE::signer:privatekey$$", "f")).isEqualTo(PGP_SECRET);
    assertThat(substitution.apply("$$CONFIDE::signer:key$$", "f")).isEqualTo(PGP_SECRET);
    assertThat(substitution.apply("$$CONFIDE::signer$$", "f")).isEqualTo(PGP_PUBLIC + PGP_SECRET);
    // a certificate's public part is its certificates
    assertThat(substitution.apply("$$CONFIDE::server:public$$", "f")).isEqualTo(CERT);
    assertThatThrownBy(() -> substitution.apply("$$CONFIDE::plain.crt:public$$", "f")).isInstanceOf(RuntimeFailure.class)
        .hasMessage("f asks for the public of secret 'plain.crt', which has none");
  }

  @Test
  void sconesDottedPartsOfACertificateAreItsFormats() {
    assertThat(substitution.apply("$$SCONE::server.crt$$", "f")).isEqualTo(CERT);
    assertThat(substitution.apply("$$SCONE::server.key$$", "f")).isEqualTo(KEY);
    assertThat(substitution.apply("$$SCONE::server.chain$$", "f")).isEqualTo(CERT);
    assertThat(substitution.apply("[$$CONFIDE::server:crt$$]", "f")).isEqualTo("[" + CERT + "]");
    // a secret named with the dot itself is that secret
    assertThat(substitution.apply("$$SCONE::plain.crt$$", "f")).isEqualTo("a value of its own");
  }

  @Test
  void aDottedNameOfNoSecretIsRefusedAsWritten() {
    assertThatThrownBy(() -> substitution.apply("$$SCONE::other.crt$$", "injection file /tls/a.crt"))
        .isInstanceOf(RuntimeFailure.class).hasMessage("injection file /tls/a.crt names secret 'other.crt', which the CAS did not release");
  }
}
