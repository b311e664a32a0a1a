package dev.confide.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SHA-256 of every chunk of many files, on every core: files are hashed side by side, and a
 * large file's chunks in runs of {@value #RUN_BYTES} bytes, so that one big file uses all cores
 * too. An empty file has one chunk, of no bytes.
 */
final class ChunkHasher {
  /** Bytes one task hashes: large enough that opening the file again costs nothing, small enough to share a big file out. */
  static final int RUN_BYTES = 4 << 20;
  private final int chunkSize;
  private final int threads;

  ChunkHasher(int chunkSize, int threads) {
    this.chunkSize = chunkSize;
    this.threads = threads;
  }

  /**
   * The chunk hashes of each of {@code files}, in the same order; each chunk's bytes are reported
   * to {@code progress} once hashed (from several threads, one call at a time), which may stop
   * the work by throwing.
   */
  List<List<byte[]>> hash(List<SourceEntry> files, Progress progress) throws IOException {
    Progress shared = new SynchronizedProgress(progress);
    byte[][][] hashes = new byte[files.size()][][];
    int chunksPerRun = Math.max(1, RUN_BYTES / chunkSize);
    List<Parallel.Task> tasks = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      SourceEntry file = files.get(i);
      long chunks = Math.max(1, Math.ceilDiv(file.size(), chunkSize));
      if (chunks > Integer.MAX_VALUE) {
        throw new VolumeException(Failure.BAD_DATA, file.file() + " has more than 2^31 chunks",
            "authenticate it with a larger chunk size");
      }
      byte[][] into = hashes[i] = new byte[(int) chunks][];
      for (int first = 0; first < chunks; first += chunksPerRun) {
        int from = first;
        int count = (int) Math.min(chunksPerRun, chunks - first);
        tasks.add(() -> hashRun(file, from, count, into, shared));
      }
    }
    Parallel.run(tasks, threads);
    return Arrays.stream(hashes).map(List::of).toList();
  }

  private void hashRun(SourceEntry file, int first, int count, byte[][] into, Progress progress) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(chunkSize, file.size()));
    try (FileChannel in = FileChannel.open(file.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long position = (long) first * chunkSize;
      for (int c = first; c < first + count; c++) {
        buf.clear().limit((int) Math.min(chunkSize, file.size() - position));
        while (buf.hasRemaining()) {
          if (in.read(buf, position + buf.position()) < 0) {
            throw new VolumeException(Failure.IO, file.file() + " shrank while being read",
                "retry when nothing writes to it");
          }
        }
        MessageDigest sha = Tag.sha256();
        sha.update(buf.array(), 0, buf.position());
        into[c] = sha.digest();
        position += buf.position();
        progress.advance(buf.position());
      }
    }
  }
}
