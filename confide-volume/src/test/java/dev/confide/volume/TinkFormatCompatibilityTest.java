package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Objects are Tink AES-GCM-HKDF streaming ciphertexts: Tink's own stream API decrypts what
 * {@link ObjectCodec} writes, and {@link ObjectCodec} decrypts what Tink's stream API writes.
 */
class TinkFormatCompatibilityTest {
  @TempDir Path tmp;

  static final int SEGMENT = 4096;

  private static SourceEntry sourceFile(Path file, long size) {
    return new SourceEntry("p", file, SourceEntry.Kind.FILE, 0644, Instant.EPOCH, size, null);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4096 - 16 - 40, 4096 - 16 - 40 + 1, 4080, 10_000, 100_000})
  void tinkDecryptsOurObjects(int size) throws Exception {
    byte[] ikm = Trees.random(32, 11);
    VolumeId vid = VolumeId.random();
    ObjectCodec codec = new ObjectCodec(ikm, vid, SEGMENT);
    byte[] plain = Trees.random(size, size);
    Path source = Files.write(tmp.resolve("p" + size), plain);
    ObjectId id = new ObjectId("00112233445566778899aabbccddeeff");
    Path object = tmp.resolve("o" + size);
    ObjectRef ref = codec.seal(List.of(sourceFile(source, size)), id, object, Progress.NONE);

    AesGcmHkdfStreaming tink = new AesGcmHkdfStreaming(ikm, "HmacSha256", 32, SEGMENT, 0);
    byte[] decrypted;
    try (InputStream in = tink.newDecryptingStream(Files.newInputStream(object), codec.associatedData(id))) {
      decrypted = in.readAllBytes();
    }
    assertThat(decrypted.length).isEqualTo(Padme.pad(size));
    assertThat(java.util.Arrays.copyOf(decrypted, size)).isEqualTo(plain);
    assertThat(ref.ciphertextSize()).isEqualTo(Files.size(object));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4096 - 16 - 40, 4080, 10_000, 100_000})
  void weDecryptTinksObjects(int size) throws Exception {
    byte[] ikm = Trees.random(32, 12);
    VolumeId vid = VolumeId.random();
    ObjectCodec codec = new ObjectCodec(ikm, vid, SEGMENT);
    ObjectId id = new ObjectId("ffeeddccbbaa99887766554433221100");
    byte[] plain = Trees.random(size, size + 1);

    AesGcmHkdfStreaming tink = new AesGcmHkdfStreaming(ikm, "HmacSha256", 32, SEGMENT, 0);
    Path object = tmp.resolve("t" + size);
    try (OutputStream out = tink.newEncryptingStream(Files.newOutputStream(object), codec.associatedData(id))) {
      out.write(plain);
    }
    byte[] file = Files.readAllBytes(object);
    byte[] header = java.util.Arrays.copyOf(file, tink.getHeaderLength());
    ObjectRef ref = new ObjectRef(id, header, file.length, size);
    Entry.File entry = new Entry.File("t", 0644, Instant.EPOCH, size, ref, 0);

    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (var ch = java.nio.channels.Channels.newChannel(sink)) {
      codec.open(object, entry, ch);
    }
    assertThat(sink.toByteArray()).isEqualTo(plain);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5000})
  void tinkRejectsOurObjectUnderAnotherObjectId(int size) throws Exception {
    byte[] ikm = Trees.random(32, 13);
    ObjectCodec codec = new ObjectCodec(ikm, VolumeId.random(), SEGMENT);
    Path source = Files.write(tmp.resolve("s"), Trees.random(size, 3));
    ObjectId id = new ObjectId("00000000000000000000000000000001");
    Path object = tmp.resolve("o");
    codec.seal(List.of(sourceFile(source, size)), id, object, Progress.NONE);
    AesGcmHkdfStreaming tink = new AesGcmHkdfStreaming(ikm, "HmacSha256", 32, SEGMENT, 0);
    ObjectId other = new ObjectId("00000000000000000000000000000002");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
      try (InputStream in = tink.newDecryptingStream(Files.newInputStream(object), codec.associatedData(other))) {
        in.readAllBytes();
      }
    }).isInstanceOf(IOException.class);
  }
}
