package dev.confide.cas.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * What an attested run signs, with the Ed25519 key bound into its evidence, on every use of its run
 * token, so that the token alone (read from a log, a memory dump, the wire) moves nothing. The
 * signed message is {@code confide run proof v1}, then for each of: the action ({@code swap},
 * {@code renew}, {@code end}), the SHA-256 hex of the token, and the action's fields (for a swap:
 * session, volume, old tag or empty, new tag), a zero byte followed by the field's UTF-8 bytes. The
 * signature travels base64 in the header {@value #HEADER}.
 */
public final class RunProof {
  /** The HTTP header that carries the signature. */
  public static final String HEADER = "Confide-Run-Proof";

  private RunProof() {}

  public static byte[] message(String action, String tokenHash, String... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("confide run proof v1".getBytes(StandardCharsets.US_ASCII));
    for (String field : concat(action, tokenHash, fields)) {
      out.write(0);
      out.writeBytes(field.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** The message of a tag swap. */
  public static byte[] swap(String tokenHash, String session, String volume, dev.confide.volume.Tag oldTag,
      dev.confide.volume.Tag newTag) {
    return message("swap", tokenHash, session, volume, oldTag == null ? "" : oldTag.hex(), newTag.hex());
  }

  /** The SHA-256 hex of a run token: how the CAS stores it and what proofs name. */
  public static String tokenHash(String token) {
    return KeyDigests.sha256Hex(token.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether {@code signature} is {@code runKey}'s (X.509 Ed25519) over {@code message}; false for anything malformed. */
  public static boolean verifies(byte[] runKey, byte[] message, byte[] signature) {
    try {
      PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(runKey));
      Signature v = Signature.getInstance("Ed25519");
      v.initVerify(key);
      v.update(message);
      return v.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code runKey} is an Ed25519 public key in X.509 form. */
  public static boolean wellFormed(byte[] runKey) {
    try {
      return "EdDSA".equals(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(runKey)).getAlgorithm())
          && runKey.length == 44;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String[] concat(String action, String tokenHash, String[] fields) {
    String[] all = new String[fields.length + 2];
    all[0] = action;
    all[1] = tokenHash;
    System.arraycopy(fields, 0, all, 2, fields.length);
    return all;
  }
}
