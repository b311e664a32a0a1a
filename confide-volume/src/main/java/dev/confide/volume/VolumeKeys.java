package dev.confide.volume;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

/**
 * The subkeys of one volume, derived with HKDF-SHA256 (salt = volume id) so that the volume key
 * itself is never used directly and a key never serves two purposes.
 */
final class VolumeKeys {
  static final String MANIFEST_INFO = "confide volume v1 manifest";
  static final String OBJECTS_INFO = "confide volume v1 objects";
  static final String KEY_CHECK_INFO = "confide volume v1 key check";

  private final byte[] manifestKey;
  private final byte[] objectsIkm;
  private final String keyCheck;

  private VolumeKeys(byte[] manifestKey, byte[] objectsIkm, String keyCheck) {
    this.manifestKey = manifestKey;
    this.objectsIkm = objectsIkm;
    this.keyCheck = keyCheck;
  }

  static VolumeKeys derive(SymmetricKey key, VolumeId id) {
    byte[] ikm = key.copyBytes();
    byte[] salt = id.bytes();
    return new VolumeKeys(
        hkdf(ikm, salt, MANIFEST_INFO),
        hkdf(ikm, salt, OBJECTS_INFO),
        HexFormat.of().formatHex(hkdf(ikm, salt, KEY_CHECK_INFO)));
  }

  static byte[] hkdf(byte[] ikm, byte[] salt, String info) {
    try {
      return KDF.getInstance("HKDF-SHA256").deriveData(HKDFParameterSpec.ofExtract()
          .addIKM(ikm).addSalt(salt).thenExpand(info.getBytes(StandardCharsets.US_ASCII), 32));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HKDF-SHA256", e);
    }
  }

  byte[] manifestKey() {
    return manifestKey.clone();
  }

  byte[] objectsIkm() {
    return objectsIkm.clone();
  }

  /** A public value that tells whether a key belongs to the volume without revealing the key. */
  String keyCheck() {
    return keyCheck;
  }
}
