package dev.confide.cas;

import dev.confide.cas.common.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The key that signs audit entries: Ed25519 (BouncyCastle's, about 40 µs a signature here against
 * 250 µs for the JDK's P-256 ECDSA; every tag swap signs one entry while holding the log's head).
 * Its public key is certified by the CAS's TLS key, so whoever pinned the CAS can check the log.
 * Kept in {@code audit-key} (raw 32-byte seed, base64, 0600) in the data folder.
 */
public final class AuditKey {
  static final String FILE = "audit-key";
  private static final byte[] CERTIFICATION_LABEL = "confide audit key v1\0".getBytes(StandardCharsets.US_ASCII);

  private final Ed25519PrivateKeyParameters key;

  private AuditKey(Ed25519PrivateKeyParameters key) {
    this.key = key;
  }

  static AuditKey in(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (Files.exists(file)) {
      byte[] seed = Base64.getDecoder().decode(new String(PrivateFiles.read(file), StandardCharsets.US_ASCII).strip());
      try {
        return new AuditKey(new Ed25519PrivateKeyParameters(seed, 0));
      } finally {
        Arrays.fill(seed, (byte) 0);
      }
    }
    Ed25519PrivateKeyParameters fresh = new Ed25519PrivateKeyParameters(new SecureRandom());
    PrivateFiles.write(file, Base64.getEncoder().encode(fresh.getEncoded()));
    return new AuditKey(fresh);
  }

  byte[] sign(byte[] data) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    signer.update(data, 0, data.length);
    return signer.generateSignature();
  }

  /** The raw 32-byte public key. */
  byte[] publicKey() {
    return key.generatePublicKey().getEncoded();
  }

  /** The CAS TLS key's signature over this audit key's public key. */
  byte[] certifiedBy(PrivateKey tlsKey) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(tlsKey);
      s.update(CERTIFICATION_LABEL);
      s.update(publicKey());
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot certify the audit key", e);
    }
  }

  /** Whether {@code certification} is {@code tlsKey}'s signature over {@code auditKey}. */
  static boolean certified(byte[] auditKey, byte[] certification, PublicKey tlsKey) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(tlsKey);
      s.update(CERTIFICATION_LABEL);
      s.update(auditKey);
      return s.verify(certification);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static boolean verify(byte[] auditKey, byte[] data, byte[] signature) {
    if (auditKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(auditKey, 0));
    verifier.update(data, 0, data.length);
    return verifier.verifySignature(signature);
  }

  @Override
  public String toString() {
    return "AuditKey";
  }
}
