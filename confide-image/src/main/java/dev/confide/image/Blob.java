package dev.confide.image;

import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A blob of the output image: its digest ({@code sha256:HEX}), its size, and how to write its
 * bytes. The archive needs a blob's digest (the name it is stored under) before its bytes, so a
 * blob made here is either measured (written once to learn its digest, then again into the
 * archive: small ones, whose content gives the same bytes each time) or spooled (written once,
 * hashed as it goes, into a file that is then copied into the archive: the layers, whose making
 * costs far more than a copy).
 */
record Blob(String digest, long size, Content content) {
  /** Writes a blob's bytes. */
  interface Content {
    void write(OutputStream out) throws IOException;
  }

  /** The blob {@code content} writes: its digest and size from a first pass that keeps nothing. */
  static Blob measure(Content content) throws IOException {
    MessageDigest sha = sha256();
    Counting counted = new Counting();
    try (DigestOutputStream out = new DigestOutputStream(counted, sha)) {
      content.write(out);
    }
    return new Blob("sha256:" + HexFormat.of().formatHex(sha.digest()), counted.count, content);
  }

  /**
   * The blob {@code content} writes, spooled into a new file in {@code dir} and hashed on the way;
   * copying it into the archive deletes the file.
   */
  static Blob spooled(java.nio.file.Path dir, Content content) throws IOException {
    java.nio.file.Path file = java.nio.file.Files.createTempFile(dir, "blob-", ".spool");
    MessageDigest sha = sha256();
    try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file),
        1 << 16), sha)) {
      content.write(out);
    } catch (IOException | RuntimeException e) {
      java.nio.file.Files.deleteIfExists(file);
      throw e;
    }
    return new Blob("sha256:" + HexFormat.of().formatHex(sha.digest()), java.nio.file.Files.size(file), out -> {
      try (var in = java.nio.file.Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 20];
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
        }
      }
      java.nio.file.Files.delete(file);
    });
  }

  static Blob of(byte[] bytes) throws IOException {
    return measure(out -> out.write(bytes));
  }

  String hex() {
    return digest.substring("sha256:".length());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts what is written, and keeps none of it. */
  private static final class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
