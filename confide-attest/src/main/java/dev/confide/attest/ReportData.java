package dev.confide.attest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What evidence is bound to: SHA-256 over {@code confide report data v1}, a zero byte, the CAS's
 * nonce and the runtime's ephemeral public key (each length-prefixed), as hex. Evidence for another
 * nonce or another key does not match.
 */
public final class ReportData {
  private ReportData() {}

  public static String of(byte[] nonce, byte[] runtimePublicKey) {
    MessageDigest md = Hashes.sha256();
    md.update("confide report data v1\0".getBytes(StandardCharsets.US_ASCII));
    md.update(length(nonce.length));
    md.update(nonce);
    md.update(length(runtimePublicKey.length));
    md.update(runtimePublicKey);
    return Hashes.hex(md.digest());
  }

  private static byte[] length(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }
}
