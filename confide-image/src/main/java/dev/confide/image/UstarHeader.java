package dev.confide.image;

import java.nio.charset.StandardCharsets;

/**
 * The 512-byte header of a regular file in a POSIX ustar archive (POSIX.1-1988, IEEE Std 1003.1,
 * "pax" utility's ustar format), as {@link OciArchive} writes its entries: {@code name} (at most
 * 100 bytes, ASCII), mode 0644, uid and gid 0, {@code size} (at most 8 GiB - 1: eleven octal
 * digits), mtime 0, the checksum (the byte sum of the header with the checksum field as eight
 * spaces, six octal digits, NUL, space), type '0', magic "ustar\0" and version "00"; a directory
 * likewise, mode 0755, type '5', size 0. Every other field is zero. Read back by GNU tar, skopeo, podman and umoci in the image tests.
 */
final class UstarHeader {
  static final int SIZE = 512;
  private static final long MAX_SIZE = 077777777777L;

  private UstarHeader() {}

  static byte[] file(String name, long size) {
    return header(name, size, 0644, '0');
  }

  /** A directory's header ({@code name} ends with '/'), mode 0755. */
  static byte[] directory(String name) {
    return header(name, 0, 0755, '5');
  }

  private static byte[] header(String name, long size, int mode, char type) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    if (n.length > 100 || !name.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("a ustar name is at most 100 printable ASCII bytes: " + name);
    }
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("a ustar entry holds at most 8 GiB - 1 bytes, not " + size);
    }
    byte[] h = new byte[SIZE];
    System.arraycopy(n, 0, h, 0, n.length);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, 0);
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    octal(h, 148, 7, sum);
    h[155] = ' ';
    return h;
  }

  /** {@code value} in octal, zero-padded to {@code width - 1} digits and a NUL. */
  private static void octal(byte[] h, int at, int width, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(width - 1 - digits.length()) + digits;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, at, width - 1);
    h[at + width - 1] = 0;
  }
}
