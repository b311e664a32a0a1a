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
      "plain.crt", "a value of its own".getBytes(StandardCharsets.US_ASCII)));

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
