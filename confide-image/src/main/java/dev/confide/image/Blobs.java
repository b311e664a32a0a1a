package dev.confide.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content-addressed files in a folder, named by their SHA-256 as an OCI layout names its blobs. */
final class Blobs {
  private final Path dir;
  private int pending;

  Blobs(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** A stored blob: {@code sha256:HEX}, its size and its file. */
  record Blob(String digest, long size, Path file) {
    String hex() {
      return digest.substring("sha256:".length());
    }
  }

  /** Something that writes a blob's bytes. */
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  Blob write(Writer writer) throws IOException {
    Path temp = dir.resolve("pending-" + (pending++));
    MessageDigest sha = sha256();
    long size;
    try (CountingStream counted = new CountingStream(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16));
         DigestOutputStream out = new DigestOutputStream(counted, sha)) {
      writer.write(out);
      out.flush();
      size = counted.count;
    }
    String hex = HexFormat.of().formatHex(sha.digest());
    Path file = dir.resolve(hex);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    return new Blob("sha256:" + hex, size, file);
  }

  Blob write(byte[] bytes) throws IOException {
    return write(out -> out.write(bytes));
  }

  Blob copy(InputStream in) throws IOException {
    return write(in::transferTo);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
