package dev.confide.volume;

import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * 32 secret bytes: a volume key or a tree (region) key. Immutable; {@link #toString()} never shows
 * the bytes; the only ways out are {@link #copyBytes()} for key derivation and {@link KeyFile}.
 */
public final class SymmetricKey {
  public static final int LENGTH = 32;

  private final byte[] bytes;

  private SymmetricKey(byte[] bytes) {
    this.bytes = bytes;
  }

  public static SymmetricKey generate() {
    byte[] bytes = new byte[LENGTH];
    new SecureRandom().nextBytes(bytes);
    return new SymmetricKey(bytes);
  }

  public static SymmetricKey of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a key is " + LENGTH + " bytes, got " + bytes.length);
    }
    return new SymmetricKey(bytes.clone());
  }

  public byte[] copyBytes() {
    return bytes.clone();
  }

  /** Constant-time comparison. */
  public boolean sameAs(SymmetricKey other) {
    return MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SymmetricKey other && sameAs(other);
  }

  @Override
  public int hashCode() {
    return 0; // a hash of secret bytes would leak them into hash tables' timing
  }

  @Override
  public String toString() {
    return "SymmetricKey[redacted]";
  }
}
