package dev.confide.volume;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the manifest records of one encrypted object: its id, its streaming-AEAD header (salt and
 * nonce prefix, so that an older or swapped object is recognised before a byte is decrypted), its
 * exact ciphertext length (so truncation and extension are recognised up front), the padded
 * plaintext length, and the SHA-256 of the file's plaintext (so an update can tell unchanged files).
 */
public record ObjectRef(ObjectId id, byte[] header, long ciphertextSize, long paddedSize,
    byte[] plaintextSha256) {
  public ObjectRef {
    header = header.clone();
    plaintextSha256 = plaintextSha256.clone();
    if (plaintextSha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 is 32 bytes");
    }
  }

  @Override
  public byte[] header() {
    return header.clone();
  }

  @Override
  public byte[] plaintextSha256() {
    return plaintextSha256.clone();
  }

  boolean headerEquals(byte[] other) {
    return MessageDigest.isEqual(header, other);
  }

  boolean contentEquals(byte[] sha256) {
    return MessageDigest.isEqual(plaintextSha256, sha256);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectRef r && id.equals(r.id) && Arrays.equals(header, r.header)
        && ciphertextSize == r.ciphertextSize && paddedSize == r.paddedSize
        && Arrays.equals(plaintextSha256, r.plaintextSha256);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "ObjectRef[" + id + ", " + ciphertextSize + " bytes, header "
        + HexFormat.of().formatHex(header) + "]";
  }
}
