package dev.confide.cas.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Totp} against the reference values of RFC 6238, Appendix B (SHA-1), and RFC 4226, Appendix D. */
class TotpTest {
  static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @Test
  void theTimeBasedValuesOfRfc6238() {
    long[][] vectors = {{59, 94287082}, {1111111109, 7081804}, {1111111111, 14050471}, {1234567890, 89005924},
        {2000000000, 69279037}, {20000000000L, 65353130}};
    for (long[] v : vectors) {
      assertThat(Totp.code(RFC_KEY, Totp.step(v[0] * 1000), 8)).as("T=%d", v[0]).isEqualTo(String.format("%08d", v[1]));
    }
    // six digits, as authenticator apps show them: the last six, leading zero kept
    assertThat(Totp.code(RFC_KEY, Totp.step(1111111109_000L), 6)).isEqualTo("081804");
  }

  @Test
  void theCounterBasedValuesOfRfc4226() {
    String[] values = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"};
    for (int count = 0; count < values.length; count++) {
      assertThat(Totp.code(RFC_KEY, count, 6)).as("count %d", count).isEqualTo(values[count]);
    }
  }

  @Test
  void aBase32KeyAndTheStepBoundaries() {
    // "12345678901234567890" in base32, as an authenticator app is given it
    assertThat(Totp.key("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).isEqualTo(RFC_KEY);
    assertThat(Totp.step(29_999)).isZero();
    assertThat(Totp.step(30_000)).isEqualTo(1);
  }
}
