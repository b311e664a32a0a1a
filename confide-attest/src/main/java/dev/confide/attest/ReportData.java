package dev.confide.attest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * What evidence is bound to: SHA-256 over {@code confide report data v2}, a zero byte, the CAS's
 * nonce, the runtime's ephemeral public key (to which the configuration is sealed) and its run
 * signing key (which proves every use of the run token), each with a 4-byte big-endian length, as
 * hex. Evidence for another nonce or another key does not match.
 */
public final class ReportData {
  private ReportData() {}

  public static String of(byte[] nonce, byte[] runtimePublicKey, byte[] runSigningKey) {
    MessageDigest md = Hashes.sha256();
    md.update("confide report data v2\0".getBytes(StandardCharsets.US_ASCII));
    for (byte[] field : new byte[][] {nonce, runtimePublicKey, runSigningKey}) {
      md.update(length(field.length));
      md.update(field);
    }
    return Hashes.hex(md.digest());
  }

  private static byte[] length(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }
}
