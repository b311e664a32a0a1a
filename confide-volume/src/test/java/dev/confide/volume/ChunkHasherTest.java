package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunk hashes computed by several threads, a large file's runs side by side, are the file's own. */
class ChunkHasherTest {
  private static final int CHUNK = 64 * 1024;
  @TempDir Path tmp;

  private SourceEntry file(String name, byte[] content) throws Exception {
    Path p = Files.write(tmp.resolve(name), content);
    return new SourceEntry(name, p, SourceEntry.Kind.FILE, 0644, Instant.EPOCH, content.length, null);
  }

  /** SHA-256 of each CHUNK-byte slice, computed here in one pass; one hash of nothing for an empty file. */
  private static List<String> expected(byte[] content) throws Exception {
    List<String> out = new ArrayList<>();
    int from = 0;
    do {
      int to = Math.min(content.length, from + CHUNK);
      out.add(java.util.HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(content, from, to))));
      from = to;
    } while (from < content.length);
    return out;
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(java.util.HexFormat.of()::formatHex).toList();
  }

  @Test
  void aLargeFileSharedOutInRunsAndSmallOnesHashAsInOnePass() throws Exception {
    Random random = new Random(7);
    byte[] large = new byte[2 * ChunkHasher.RUN_BYTES + 3 * CHUNK + 123]; // three runs, the last one short
    random.nextBytes(large);
    byte[] small = new byte[5000];
    random.nextBytes(small);
    byte[] exact = new byte[2 * CHUNK];
    random.nextBytes(exact);
    List<SourceEntry> files = List.of(file("large", large), file("empty", new byte[0]), file("small", small),
        file("exact", exact));
    AtomicLong reported = new AtomicLong();
    Progress counting = new Progress() {
      @Override
      public void start(String task, long totalBytes) {}

      @Override
      public void advance(long bytes) {
        reported.addAndGet(bytes);
      }

      @Override
      public void finish() {}
    };

    List<List<byte[]>> hashes = new ChunkHasher(CHUNK, 4).hash(files, counting);

    assertThat(hashes).hasSize(4);
    assertThat(hex(hashes.get(0))).hasSize(2 * ChunkHasher.RUN_BYTES / CHUNK + 4).isEqualTo(expected(large));
    assertThat(hex(hashes.get(1))).isEqualTo(expected(new byte[0])).hasSize(1);
    assertThat(hex(hashes.get(2))).isEqualTo(expected(small)).hasSize(1);
    assertThat(hex(hashes.get(3))).isEqualTo(expected(exact)).hasSize(2);
    assertThat(reported).hasValue(large.length + small.length + exact.length);
  }

  @Test
  void aFileShorterThanItsScannedSizeIsRefused() throws Exception {
    SourceEntry real = file("shrinking", new byte[3 * CHUNK]);
    SourceEntry scanned = new SourceEntry(real.path(), real.file(), real.kind(), real.mode(), real.mtime(), 5L * CHUNK,
        null);
    assertThatThrownBy(() -> new ChunkHasher(CHUNK, 2).hash(List.of(scanned), Progress.NONE))
        .isInstanceOf(VolumeException.class)
        .hasMessage(real.file() + " shrank while being read");
  }
}
