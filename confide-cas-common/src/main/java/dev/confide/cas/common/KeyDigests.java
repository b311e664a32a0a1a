package dev.confide.cas.common;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The two names a public key goes by: its fingerprint ({@code SHA256:} + unpadded base64, as SSH
 * prints host keys; what users pin) and its key hash (64 hex digits; the principal id in access
 * policies). Both are SHA-256 over the key's SubjectPublicKeyInfo encoding, so a re-issued
 * certificate for the same key keeps both.
 */
public final class KeyDigests {
  private KeyDigests() {}

  public static String fingerprint(PublicKey key) {
    return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha256(key.getEncoded()));
  }

  public static String keyHash(PublicKey key) {
    return HexFormat.of().formatHex(sha256(key.getEncoded()));
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256(data));
  }
}
