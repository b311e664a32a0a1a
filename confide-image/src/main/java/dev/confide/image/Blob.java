package dev.confide.image;

import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A blob of the output image: its digest ({@code sha256:HEX}), its size, and how to write its
 * bytes. A blob made during the conversion is streamed into the archive once and named by what it
 * wrote ({@link OciArchive#blob(Content)}); one whose digest is known beforehand (a layer of the
 * input, the cached runtime layer, small JSON documents) is written as it is: its content must give
 * the bytes it was measured at.
 */
record Blob(String digest, long size, Content content) {
  /** Writes a blob's bytes. */
  interface Content {
    void write(OutputStream out) throws IOException;
  }

  /** A blob's bytes as a file holds them: an archive may copy them file to file, without reading them in. */
  record FileContent(java.nio.file.Path file) implements Content {
    @Override
    public void write(OutputStream out) throws IOException {
      java.nio.file.Files.copy(file, out);
    }
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
