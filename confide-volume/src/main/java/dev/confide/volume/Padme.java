package dev.confide.volume;

/**
 * Padmé padding (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
 * with PURBs", PETS 2019): rounds a length up so that at most O(log log L) bits of it remain
 * visible, with at most 12% overhead. Objects are padded so their ciphertext length does not
 * reveal the exact file size.
 */
final class Padme {
  private Padme() {}

  static long pad(long length) {
    if (length < 2) {
      return length;
    }
    int e = 63 - Long.numberOfLeadingZeros(length); // floor(log2 L)
    int s = 32 - Integer.numberOfLeadingZeros(e);   // floor(log2 E) + 1
    int lastBits = e - s;
    long mask = (1L << lastBits) - 1;
    return (length + mask) & ~mask;
  }
}
