package dev.confide.volume;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.StreamSegmentDecrypter;
import com.google.crypto.tink.subtle.StreamSegmentEncrypter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

/**
 * Encrypts one file into one object and back, in Tink's AES-GCM-HKDF streaming format. It drives
 * Tink's own segment encrypter and decrypter directly rather than Tink's stream wrappers, so that
 * segments are encrypted straight into large write batches (no intermediate copies) and a second
 * thread writes one batch while the next is encrypted. Associated data binds each object to its
 * volume and its object id.
 */
final class ObjectCodec {
  static final byte[] AAD_LABEL = "confide object v1".getBytes(StandardCharsets.US_ASCII);
  /** Files at least this large are written by a second thread while the caller does the crypto. */
  static final long ASYNC_THRESHOLD = 4L << 20;
  /** 256 KiB: large enough for few syscalls, small enough to stay in cache (JMH: +20% over 1 MiB). */
  private static final int BATCH_BYTES = 1 << 18;
  private static final int TAG = 16;

  private final AesGcmHkdfStreaming streaming;
  private final VolumeId volumeId;
  private final int segmentSize;
  private final int headerLength;
  private final int segmentsPerBatch;

  ObjectCodec(byte[] objectsIkm, VolumeId volumeId, int segmentSize) {
    try {
      this.streaming = new AesGcmHkdfStreaming(objectsIkm, "HmacSha256", 32, segmentSize, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable segment size " + segmentSize, e);
    }
    this.volumeId = volumeId;
    this.segmentSize = segmentSize;
    this.headerLength = streaming.getHeaderLength();
    this.segmentsPerBatch = Math.max(1, BATCH_BYTES / segmentSize);
  }

  byte[] associatedData(ObjectId id) {
    return ByteBuffer.allocate(AAD_LABEL.length + 32).put(AAD_LABEL).put(volumeId.bytes())
        .put(id.bytes()).array();
  }

  /** Plaintext bytes carried by a full segment {@code index}. */
  private int plaintextLength(long index) {
    return index == 0 ? segmentSize - TAG - headerLength : segmentSize - TAG;
  }

  long ciphertextSize(long paddedSize) {
    return streaming.expectedCiphertextSize(paddedSize);
  }

  /**
   * Encrypts the files one after the other (padded with zeros to {@link Padme}) into the new file
   * {@code objectFile}: a pack, or a single file's object. Refuses if a file does not hold exactly
   * the size it was scanned with.
   */
  ObjectRef seal(List<SourceEntry> files, ObjectId id, Path objectFile, Progress progress) throws IOException {
    long total = files.stream().mapToLong(SourceEntry::size).sum();
    try (Concatenation in = new Concatenation(files);
         FileChannel out = FileChannel.open(objectFile, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
             HostFile.OWNER_ONLY_FILE);
         FileSystemSync.Writeback writeback = total >= ASYNC_THRESHOLD ? FileSystemSync.Writeback.of(objectFile) : null) {
      return seal(in, EntryPath.display(files.getFirst().path()), total, id, out, total >= ASYNC_THRESHOLD,
          writeback, progress);
    }
  }

  /**
   * The channel-level seal, all in the caller's thread: reads exactly {@code size} bytes from
   * {@code in}, writes the object to {@code out}.
   */
  ObjectRef seal(ReadableByteChannel in, String displayPath, long size, ObjectId id, WritableByteChannel out)
      throws IOException {
    return seal(in, displayPath, size, id, out, false, null, Progress.NONE);
  }

  /** {@code writerThread}: whether a second thread writes batches, so that syscalls overlap the crypto. */
  private ObjectRef seal(ReadableByteChannel in, String displayPath, long size, ObjectId id, WritableByteChannel out,
      boolean writerThread, FileSystemSync.Writeback writeback, Progress progress) throws IOException {
    long padded = Padme.pad(size);
    long ciphertextSize = ciphertextSize(padded);
    StreamSegmentEncrypter enc;
    try {
      enc = streaming.newStreamSegmentEncrypter(associatedData(id));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start encryption", e);
    }
    byte[] header = new byte[headerLength];
    enc.getHeader().get(header);
    ByteBuffer plain = ByteBuffer.allocate((int) Math.min(plaintextLength(1), padded));
    try (BatchWriter writer = writerThread
        ? BatchWriter.asyncWithWriteback(out, segmentsPerBatch * segmentSize, writeback)
        : BatchWriter.sync(out, (int) Math.min(segmentsPerBatch * (long) segmentSize, ciphertextSize))) {
      ByteBuffer batch = writer.next();
      batch.put(header);
      long done = 0;
      for (long index = 0; ; index++) {
        int want = (int) Math.min(plaintextLength(index), padded - done);
        int real = (int) Math.max(0, Math.min(want, size - done));
        plain.clear().limit(real);
        while (plain.hasRemaining()) {
          if (in.read(plain) < 0) {
            throw changedWhileReading(displayPath);
          }
        }
        Arrays.fill(plain.array(), real, want, (byte) 0);
        plain.limit(want).position(want).flip();
        done += want;
        boolean last = done == padded;
        if (batch.remaining() < want + TAG) {
          writer.submit(batch);
          batch = writer.next();
        }
        try {
          enc.encryptSegment(plain, last, batch);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("encryption failed", e);
        }
        progress.advance(real);
        if (last) {
          break;
        }
      }
      writer.submit(batch);
      writer.finish();
      if (in.read(ByteBuffer.allocate(1)) > 0) {
        throw changedWhileReading(displayPath);
      }
    }
    return new ObjectRef(id, header, ciphertextSize, padded);
  }

  /**
   * Authenticates the object of {@code entry} and writes its plaintext to {@code out} (or nowhere
   * when {@code out} is null). Every refusal names the entry's path and what failed.
   */
  void open(Path objectFile, Entry.File entry, WritableByteChannel out) throws IOException {
    open(objectFile, new ObjectMembers(entry.object(), List.of(entry)), out, Progress.NONE);
  }

  /**
   * Authenticates the object holding {@code members} and writes its plaintext up to the end of
   * the last member to {@code out} (or nowhere when {@code out} is null).
   */
  void open(Path objectFile, ObjectMembers members, WritableByteChannel out, Progress progress) throws IOException {
    FileChannel in;
    try {
      HostFile.requireRegular(objectFile);
      in = FileChannel.open(objectFile, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new VolumeException(Failure.INTEGRITY,
          members.describe() + " is missing (" + members.ref().id().relativePath() + ")",
          "the object was deleted; restore the volume from a trusted copy");
    }
    try (in) {
      open(in, in.size(), members, out, out != null && members.usefulBytes() >= ASYNC_THRESHOLD, progress);
    }
  }

  /** The channel-level open: {@code in} holds {@code actual} bytes of ciphertext. */
  void open(ReadableByteChannel in, long actual, Entry.File entry, WritableByteChannel out) throws IOException {
    open(in, actual, new ObjectMembers(entry.object(), List.of(entry)), out, false, Progress.NONE);
  }

  private void open(ReadableByteChannel in, long actual, ObjectMembers members, WritableByteChannel out,
      boolean writerThread, Progress progress) throws IOException {
    ObjectRef ref = members.ref();
    String what = members.describe();
    if (actual != ref.ciphertextSize()) {
      throw new VolumeException(Failure.INTEGRITY,
          what + " is " + (actual < ref.ciphertextSize() ? "truncated" : "extended") + ": "
              + actual + " bytes where the manifest records " + ref.ciphertextSize(),
          "the object was modified or replaced; restore the volume from a trusted copy");
    }
    ByteBuffer header = ByteBuffer.allocate(headerLength);
    readFully(in, header, what);
    if (!ref.headerEquals(header.array())) {
      throw new VolumeException(Failure.INTEGRITY,
          what + ": header differs from the manifest — the object was replaced (an older version or another file)",
          "restore the volume from a trusted copy");
    }
    StreamSegmentDecrypter dec;
    try {
      dec = streaming.newStreamSegmentDecrypter();
      dec.init(header.flip(), associatedData(ref.id()));
    } catch (GeneralSecurityException e) {
      throw new VolumeException(Failure.INTEGRITY, what + ": unusable header", "restore the volume from a trusted copy");
    }
    decryptSegments(in, actual - headerLength, members, dec, out, writerThread, progress);
  }

  private void decryptSegments(ReadableByteChannel in, long cipherBytes, ObjectMembers members,
      StreamSegmentDecrypter dec, WritableByteChannel out, boolean writerThread, Progress progress)
      throws IOException {
    long padded = members.ref().paddedSize();
    long useful = members.usefulBytes();
    int plainBatch = (int) Math.min(segmentsPerBatch * (long) plaintextLength(1), Math.max(padded, 0));
    ByteBuffer cipher = ByteBuffer.allocate((int) Math.min(segmentsPerBatch * (long) segmentSize, cipherBytes));
    ByteBuffer scratch = out == null ? ByteBuffer.allocate((int) Math.min(plaintextLength(1), padded)) : null;
    try (BatchWriter writer = out == null ? null
        : writerThread ? BatchWriter.async(out, plainBatch) : BatchWriter.sync(out, plainBatch)) {
      ByteBuffer sink = writer == null ? scratch : writer.next();
      long remaining = cipherBytes;
      long emitted = 0;
      long index = 0;
      while (remaining > 0) {
        // Read whole segments only: a batch never splits one.
        long want = 0;
        for (int k = 0; k < segmentsPerBatch && want < remaining; k++) {
          want += Math.min(plaintextLength(index + k) + TAG, remaining - want);
        }
        cipher.clear().limit((int) want);
        readFully(in, cipher, members.describe());
        cipher.flip();
        remaining -= want;
        while (cipher.hasRemaining()) {
          int ctLen = Math.min(plaintextLength(index) + TAG, cipher.remaining());
          boolean last = remaining == 0 && ctLen == cipher.remaining();
          int ptLen = ctLen - TAG;
          if (ptLen < 0 || (!last && ctLen != plaintextLength(index) + TAG)) {
            throw segmentFailure(members, index, emitted, emitted + Math.max(ptLen, 0));
          }
          if (writer == null) {
            sink.clear();
          } else if (sink.remaining() < ptLen) {
            writer.submit(sink);
            sink = writer.next();
          }
          ByteBuffer segment = cipher.slice(cipher.position(), ctLen);
          try {
            dec.decryptSegment(segment, (int) index, last, sink);
          } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw segmentFailure(members, index, emitted, emitted + ptLen);
          }
          cipher.position(cipher.position() + ctLen);
          long excess = emitted + ptLen - useful;
          if (excess > 0) {
            sink.position(sink.position() - (int) Math.min(excess, ptLen)); // drop padding
          }
          progress.advance(ptLen - Math.max(0, Math.min(excess, ptLen)));
          emitted += ptLen;
          index++;
        }
      }
      if (emitted != padded) {
        throw segmentFailure(members, index, emitted, emitted + 1);
      }
      if (writer != null) {
        writer.submit(sink);
        writer.finish();
      }
    }
  }

  /**
   * Whether the object holding {@code members} holds, for each, exactly the bytes of the file
   * {@code sources} maps it to (authenticating the object on the way).
   */
  boolean sameContent(Path objectFile, ObjectMembers members, java.util.Map<Entry.File, Path> sources)
      throws IOException {
    boolean[] differs = {false};
    Splitter splitter = new Splitter(members.files(), new Splitter.Sinks() {
      @Override
      public WritableByteChannel open(Entry.File file) throws IOException {
        return new ContentComparison(FileChannel.open(sources.get(file), StandardOpenOption.READ,
            LinkOption.NOFOLLOW_LINKS));
      }

      @Override
      public void close(Entry.File file, WritableByteChannel sink) throws IOException {
        ContentComparison cmp = (ContentComparison) sink;
        differs[0] |= cmp.differs || cmp.source.read(ByteBuffer.allocate(1)) != -1;
        cmp.source.close();
      }
    });
    try {
      open(objectFile, members, splitter, Progress.NONE);
      splitter.finish();
      return !differs[0];
    } catch (VolumeException e) {
      return false; // a damaged old object is simply replaced
    }
  }

  /** A sink that compares what is written to it with a file, byte for byte. */
  private static final class ContentComparison implements WritableByteChannel {
    private final FileChannel source;
    private ByteBuffer expected = ByteBuffer.allocate(0);
    private boolean differs;

    ContentComparison(FileChannel source) {
      this.source = source;
    }

    @Override
    public int write(ByteBuffer actual) throws IOException {
      int n = actual.remaining();
      if (!differs) {
        if (expected.capacity() < n) {
          expected = ByteBuffer.allocate(n);
        }
        expected.clear().limit(n);
        while (expected.hasRemaining() && source.read(expected) >= 0) {
          // fill
        }
        expected.flip();
        differs = !expected.equals(actual);
      }
      actual.position(actual.limit());
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static VolumeException segmentFailure(ObjectMembers members, long index, long from, long to) {
    return new VolumeException(Failure.INTEGRITY,
        members.describe(from, to) + ": authentication failed at segment " + index
            + " — the file was modified or replaced",
        "restore the volume from a trusted copy");
  }

  private static void readFully(ReadableByteChannel in, ByteBuffer buf, String what) throws IOException {
    while (buf.hasRemaining()) {
      if (in.read(buf) < 0) {
        throw new VolumeException(Failure.INTEGRITY, what + " shrank while being read",
            "make sure nothing else writes to the volume, then retry");
      }
    }
  }

  private static VolumeException changedWhileReading(String displayPath) {
    return new VolumeException(Failure.IO, displayPath + " changed size while being read",
        "retry when nothing is writing to it");
  }
}
