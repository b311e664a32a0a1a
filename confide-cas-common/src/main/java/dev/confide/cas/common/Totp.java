package dev.confide.cas.common;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;

/**
 * Time-based one-time passwords as RFC 6238 defines them and authenticator apps make them: the
 * HOTP of RFC 4226 (HMAC-SHA1, dynamic truncation) over the number of {@value #STEP_SECONDS}-second
 * steps since the Unix epoch, {@value #DIGITS} digits; the key written in RFC 4648 base32.
 */
public final class Totp {
  public static final long STEP_SECONDS = 30;
  public static final int DIGITS = 6;

  private Totp() {}

  /** The key a base32 text (upper case, padded) holds. */
  public static byte[] key(String base32) {
    return Base32.decode(base32);
  }

  /** The time step of {@code epochMillis}. */
  public static long step(long epochMillis) {
    return Math.floorDiv(Math.floorDiv(epochMillis, 1000), STEP_SECONDS);
  }

  /** RFC 4226's HOTP value of {@code counter}, {@code digits} long (leading zeros kept). */
  public static String code(byte[] key, long counter, int digits) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
      int offset = h[h.length - 1] & 0x0f;
      int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
          | (h[offset + 3] & 0xff);
      long modulus = 1;
      for (int i = 0; i < digits; i++) {
        modulus *= 10;
      }
      String value = Long.toString(binary % modulus);
      return "0".repeat(digits - value.length()) + value;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is unavailable", e);
    }
  }
}
