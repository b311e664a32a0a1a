package dev.confide.volume;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Encrypts one file into one object and back, in Tink's AES-GCM-HKDF streaming format (driven
 * segment by segment through Tink's own segment encrypter and decrypter, so that reads, hashing
 * and writes can be arranged freely around it). Associated data binds each object to its volume
 * and its object id.
 */
final class ObjectCodec {
  static final byte[] AAD_LABEL = "confide object v1".getBytes(StandardCharsets.US_ASCII);

  private final AesGcmHkdfStreaming streaming;
  private final VolumeId volumeId;
  private final int segmentSize;

  ObjectCodec(byte[] objectsIkm, VolumeId volumeId, int segmentSize) {
    try {
      this.streaming = new AesGcmHkdfStreaming(objectsIkm, "HmacSha256", 32, segmentSize, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable segment size " + segmentSize, e);
    }
    this.volumeId = volumeId;
    this.segmentSize = segmentSize;
  }

  int segmentSize() {
    return segmentSize;
  }

  byte[] associatedData(ObjectId id) {
    return ByteBuffer.allocate(AAD_LABEL.length + 32).put(AAD_LABEL).put(volumeId.bytes())
        .put(id.bytes()).array();
  }

  /** Plaintext bytes carried by segment {@code index}. */
  int plaintextLength(int index) {
    int full = streaming.getPlaintextSegmentSize();
    return index == 0 ? full - streaming.getCiphertextOffset() : full;
  }

  long ciphertextSize(long paddedSize) {
    return streaming.expectedCiphertextSize(paddedSize);
  }

  /**
   * Encrypts {@code size} bytes of {@code source} (padded with zeros to {@link Padme}) into the new
   * file {@code objectFile}. Refuses if the source does not hold exactly {@code size} bytes.
   */
  ObjectRef seal(Path source, String displayPath, long size, ObjectId id, Path objectFile)
      throws IOException {
    long padded = Padme.pad(size);
    MessageDigest sha = sha256();
    StreamSegmentEncrypter enc;
    try {
      enc = streaming.newStreamSegmentEncrypter(associatedData(id));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start encryption", e);
    }
    byte[] header = new byte[streaming.getHeaderLength()];
    enc.getHeader().get(header);
    ByteBuffer plain = ByteBuffer.allocate(streaming.getPlaintextSegmentSize());
    ByteBuffer cipher = ByteBuffer.allocate(segmentSize);
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS);
         FileChannel out = FileChannel.open(objectFile, StandardOpenOption.CREATE_NEW,
             StandardOpenOption.WRITE)) {
      writeFully(out, ByteBuffer.wrap(header));
      long done = 0;
      int index = 0;
      while (true) {
        int want = (int) Math.min(plaintextLength(index), padded - done);
        plain.clear().limit(want);
        long realWanted = Math.max(0, Math.min(want, size - done));
        readFully(in, plain, (int) realWanted, source, displayPath);
        sha.update(plain.array(), 0, plain.position());
        while (plain.hasRemaining()) {
          plain.put((byte) 0);
        }
        plain.flip();
        done += want;
        boolean last = done == padded;
        cipher.clear();
        try {
          enc.encryptSegment(plain, last, cipher);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("encryption failed", e);
        }
        cipher.flip();
        writeFully(out, cipher);
        index++;
        if (last) {
          break;
        }
      }
      if (in.read(ByteBuffer.allocate(1)) != -1) {
        throw changedWhileSealing(displayPath);
      }
      out.force(false);
    } catch (NoSuchFileException e) {
      throw changedWhileSealing(displayPath);
    }
    return new ObjectRef(id, header, ciphertextSize(padded), padded, sha.digest());
  }

  /**
   * Authenticates the object of {@code entry} and writes its plaintext to {@code out} (or nowhere
   * when {@code out} is null). Every refusal names the entry's path and what failed.
   */
  void open(Path objectFile, Entry.File entry, WritableByteChannel out) throws IOException {
    ObjectRef ref = entry.object();
    String what = "object for " + EntryPath.display(entry.path());
    long actual;
    FileChannel in;
    try {
      in = FileChannel.open(objectFile, StandardOpenOption.READ);
      actual = in.size();
    } catch (NoSuchFileException e) {
      throw new VolumeException(Failure.INTEGRITY, what + " is missing (" + ref.id().relativePath() + ")",
          "the object was deleted; restore the volume from a trusted copy");
    }
    try (in) {
      if (actual != ref.ciphertextSize()) {
        throw new VolumeException(Failure.INTEGRITY,
            what + " is " + (actual < ref.ciphertextSize() ? "truncated" : "extended") + ": "
                + actual + " bytes where the manifest records " + ref.ciphertextSize(),
            "the object was modified or replaced; restore the volume from a trusted copy");
      }
      byte[] header = new byte[streaming.getHeaderLength()];
      ByteBuffer hb = ByteBuffer.wrap(header);
      readFully(in, hb, header.length, objectFile, what);
      if (!ref.headerEquals(header)) {
        throw new VolumeException(Failure.INTEGRITY,
            what + ": header differs from the manifest — the object was replaced (an older version or another file)",
            "restore the volume from a trusted copy");
      }
      StreamSegmentDecrypter dec;
      try {
        dec = streaming.newStreamSegmentDecrypter();
        dec.init(ByteBuffer.wrap(header), associatedData(ref.id()));
      } catch (GeneralSecurityException e) {
        throw new VolumeException(Failure.INTEGRITY, what + ": unusable header",
            "restore the volume from a trusted copy");
      }
      MessageDigest sha = sha256();
      ByteBuffer cipher = ByteBuffer.allocate(segmentSize);
      ByteBuffer plain = ByteBuffer.allocate(streaming.getPlaintextSegmentSize());
      long remainingCipher = actual - header.length;
      long remainingReal = entry.size();
      int index = 0;
      while (true) {
        int ctLen = (int) Math.min(plaintextLength(index) + streaming.getCiphertextOverhead(), remainingCipher);
        cipher.clear().limit(ctLen);
        readFully(in, cipher, ctLen, objectFile, what);
        cipher.flip();
        remainingCipher -= ctLen;
        boolean last = remainingCipher == 0;
        plain.clear();
        try {
          dec.decryptSegment(cipher, index, last, plain);
        } catch (GeneralSecurityException e) {
          throw new VolumeException(Failure.INTEGRITY,
              what + ": authentication failed at segment " + index + " — the file was modified or replaced",
              "restore the volume from a trusted copy");
        }
        plain.flip();
        int real = (int) Math.min(plain.remaining(), remainingReal);
        plain.limit(real);
        sha.update(plain.array(), 0, real);
        if (out != null) {
          writeFully(out, plain);
        }
        remainingReal -= real;
        index++;
        if (last) {
          break;
        }
      }
      if (remainingReal != 0 || !ref.contentEquals(sha.digest())) {
        throw new VolumeException(Failure.INTEGRITY, what + ": content does not match the manifest",
            "restore the volume from a trusted copy");
      }
    }
  }

  private static void readFully(FileChannel in, ByteBuffer buf, int n, Path file, String what)
      throws IOException {
    int end = buf.position() + n;
    while (buf.position() < end) {
      int saved = buf.limit();
      buf.limit(end);
      int r = in.read(buf);
      buf.limit(saved);
      if (r < 0) {
        throw changedWhileSealing(what);
      }
    }
  }

  static void writeFully(WritableByteChannel out, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      out.write(buf);
    }
  }

  private static VolumeException changedWhileSealing(String displayPath) {
    return new VolumeException(Failure.IO, displayPath + " changed size while being read",
        "retry when nothing is writing to it");
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
