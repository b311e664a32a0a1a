package dev.confide.volume;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the manifest records of one encrypted object: its id, its streaming-AEAD header (salt and
 * nonce prefix, so that an older or swapped object is recognised before a byte is decrypted), its
 * exact ciphertext length (so truncation and extension are recognised up front) and the padded
 * plaintext length.
 */
public record ObjectRef(ObjectId id, byte[] header, long ciphertextSize, long paddedSize) {
  public ObjectRef {
    header = header.clone();
  }

  @Override
  public byte[] header() {
    return header.clone();
  }

  boolean headerEquals(byte[] other) {
    return MessageDigest.isEqual(header, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectRef r && id.equals(r.id) && Arrays.equals(header, r.header)
        && ciphertextSize == r.ciphertextSize && paddedSize == r.paddedSize;
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
