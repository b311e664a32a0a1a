package dev.confide.volume;

import com.google.crypto.tink.subtle.AesGcmJce;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Encrypts and decrypts manifest files: {@code "CFDMANI1" || generation (u64) || AES-256-GCM(iv ||
 * ciphertext || tag)}, with the magic, the volume id and the generation as associated data, so a
 * manifest renamed to another generation or copied to another volume fails authentication.
 */
final class ManifestCipher {
  static final byte[] MAGIC = {'C', 'F', 'D', 'M', 'A', 'N', 'I', '1'};
  static final int PREFIX = MAGIC.length + Long.BYTES;

  private final AesGcmJce aead;
  private final VolumeId volumeId;

  ManifestCipher(VolumeKeys keys, VolumeId volumeId) {
    try {
      this.aead = new AesGcmJce(keys.manifestKey());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    }
    this.volumeId = volumeId;
  }

  byte[] seal(Manifest manifest) {
    return seal(manifest.generation(), ManifestCodec.encode(manifest));
  }

  byte[] seal(long generation, byte[] plaintext) {
    byte[] prefix = prefix(generation);
    try {
      byte[] ct = aead.encrypt(plaintext, associatedData(generation));
      return ByteBuffer.allocate(prefix.length + ct.length).put(prefix).put(ct).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("manifest encryption failed", e);
    }
  }

  /** Decrypts the file named {@code fileName}; {@code expectedGeneration} comes from that name. */
  Manifest open(byte[] file, String fileName, long expectedGeneration) {
    if (file.length < PREFIX || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new VolumeException(Failure.INTEGRITY, fileName + " is not a manifest (bad magic)",
          "the manifest was corrupted or replaced; restore the volume from a trusted copy");
    }
    long generation = ByteBuffer.wrap(file, MAGIC.length, Long.BYTES).getLong();
    if (generation != expectedGeneration) {
      throw new VolumeException(Failure.INTEGRITY,
          fileName + " claims generation " + generation + " (renamed manifest)",
          "the manifest was moved; restore the volume from a trusted copy");
    }
    byte[] plaintext;
    try {
      plaintext = aead.decrypt(Arrays.copyOfRange(file, PREFIX, file.length), associatedData(generation));
    } catch (GeneralSecurityException e) {
      throw new VolumeException(Failure.INTEGRITY, fileName + ": authentication failed",
          "the manifest was modified, or belongs to another volume; restore it from a trusted copy");
    }
    Manifest m = ManifestCodec.decode(plaintext);
    if (m.generation() != generation || !m.volumeId().equals(volumeId)) {
      throw new VolumeException(Failure.INTEGRITY, fileName + " belongs to another volume or generation",
          "restore the volume from a trusted copy");
    }
    return m;
  }

  private static byte[] prefix(long generation) {
    return ByteBuffer.allocate(PREFIX).put(MAGIC).putLong(generation).array();
  }

  private byte[] associatedData(long generation) {
    return ByteBuffer.allocate(PREFIX + 16).put(MAGIC).put(volumeId.bytes()).putLong(generation).array();
  }
}
