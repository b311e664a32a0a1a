package dev.confide.volume;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-memory throughput of sealing and opening one 64 MiB object, against the JDK's AES-256-GCM
 * on the same buffers in the same chunk sizes, and against Tink's own stream API. One operation
 * is one 64 MiB object; MB/s = ops/s × 67.1. The channel-level codec runs in the caller's thread
 * (the writer thread is only used when the sink is a file).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ObjectCodecBenchmark {
  static final int SIZE = 64 << 20;

  @Param({"16384", "65536", "262144", "1048576"})
  int segmentSize;

  ObjectCodec codec;
  AesGcmHkdfStreaming tink;
  ByteBuffer plaintext;
  ByteBuffer ciphertext;
  ByteBuffer output;
  Entry.File entry;
  ObjectId id = new ObjectId("0123456789abcdef0123456789abcdef");
  Cipher jdk;
  SecretKeySpec jdkKey;
  long nonce;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    byte[] ikm = new byte[32];
    new SecureRandom().nextBytes(ikm);
    codec = new ObjectCodec(ikm, VolumeId.random(), segmentSize);
    tink = new AesGcmHkdfStreaming(ikm, "HmacSha256", 32, segmentSize, 0);
    byte[] data = new byte[SIZE];
    new SecureRandom().nextBytes(data);
    plaintext = ByteBuffer.wrap(data);
    ciphertext = ByteBuffer.allocate((int) codec.ciphertextSize(SIZE));
    output = ByteBuffer.allocate(SIZE + (1 << 20));
    ObjectRef ref = codec.seal(MemoryChannels.reading(plaintext), "/bench", SIZE, id,
        MemoryChannels.writing(ciphertext));
    ciphertext.flip();
    entry = new Entry.File("bench", 0644, Instant.EPOCH, SIZE, ref, 0);
    jdk = Cipher.getInstance("AES/GCM/NoPadding");
    jdkKey = new SecretKeySpec(ikm, "AES");
  }

  /** Reads the plaintext from memory, writes the object into a 64 MiB buffer. */
  @Benchmark
  public ObjectRef confideSeal() throws IOException {
    return codec.seal(MemoryChannels.reading(plaintext), "/bench", SIZE, id, MemoryChannels.writing(output));
  }

  /** As {@link #confideSeal}, but the object is dropped as it is produced (as in {@link #tinkStreamApiSeal}). */
  @Benchmark
  public ObjectRef confideSealDiscarding() throws IOException {
    return codec.seal(MemoryChannels.reading(plaintext), "/bench", SIZE, id, MemoryChannels.discarding());
  }

  @Benchmark
  public int confideOpen() throws IOException {
    codec.open(MemoryChannels.reading(ciphertext), ciphertext.remaining(), entry, MemoryChannels.writing(output));
    return output.position();
  }

  @Benchmark
  public void confideOpenDiscarding() throws IOException {
    codec.open(MemoryChannels.reading(ciphertext), ciphertext.remaining(), entry, MemoryChannels.discarding());
  }

  /** The JDK's AES-256-GCM over the same buffer, one doFinal per segment (fresh nonce each). */
  @Benchmark
  public int jdkAesGcmSameChunks() throws GeneralSecurityException {
    int chunk = segmentSize - 16;
    byte[] in = plaintext.array();
    byte[] out = output.array();
    byte[] iv = new byte[12];
    int written = 0;
    for (int off = 0; off < SIZE; off += chunk) {
      ByteBuffer.wrap(iv).putLong(4, nonce++);
      jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new GCMParameterSpec(128, iv));
      written = jdk.doFinal(in, off, Math.min(chunk, SIZE - off), out, 0);
    }
    return written;
  }

  /**
   * As {@link #jdkAesGcmSameChunks}, through the JDK's ByteBuffer API on heap buffers, which is
   * the call Tink's segment encrypter makes.
   */
  @Benchmark
  public int jdkAesGcmSameChunksByteBuffers() throws GeneralSecurityException {
    int chunk = segmentSize - 16;
    ByteBuffer in = plaintext.duplicate();
    ByteBuffer out = output.duplicate();
    byte[] iv = new byte[12];
    int written = 0;
    for (int off = 0; off < SIZE; off += chunk) {
      ByteBuffer.wrap(iv).putLong(4, nonce++);
      jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new GCMParameterSpec(128, iv));
      in.limit(Math.min(off + chunk, SIZE)).position(off);
      out.clear();
      written = jdk.doFinal(in, out);
    }
    return written;
  }

  /** Tink's own stream API (what a caller gets from StreamingAead.newEncryptingStream). */
  @Benchmark
  public long tinkStreamApiSeal() throws IOException, GeneralSecurityException {
    CountingSink sink = new CountingSink();
    try (OutputStream out = tink.newEncryptingStream(sink, codec.associatedData(id))) {
      byte[] in = plaintext.array();
      for (int off = 0; off < SIZE; off += 1 << 16) {
        out.write(in, off, Math.min(1 << 16, SIZE - off));
      }
    }
    return sink.count;
  }

  static final class CountingSink extends OutputStream {
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
