package dev.confide.attest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies a file and hashes the copy — what was written, not what was read, so the digest is of the
 * bytes that will run even if the source changes meanwhile — on two threads: the kernel copies
 * 8 MiB runs ({@code transferTo}) while this thread hashes the runs already copied. For Blender's
 * 89 MB that is about the hash's time alone instead of copy plus hash.
 */
final class CopyingHasher {
  private static final long RUN = 8L << 20;
  private static final long END = -1;

  private CopyingHasher() {}

  /** Copies {@code source} to the new file {@code copy} and returns the SHA-256 of the copy. */
  static byte[] copy(Path source, Path copy) throws IOException {
    // the copy is read back through a channel of its own, never mapped: a mapping through the
    // writable channel would outlive it and keep the file "busy" (ETXTBSY) for exec
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
         FileChannel out = FileChannel.open(copy, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
             LinkOption.NOFOLLOW_LINKS));
         FileChannel back = FileChannel.open(copy, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = in.size();
      // unbounded: transferTo may copy less than asked, so there may be more runs than size / RUN
      BlockingQueue<Long> copied = new LinkedBlockingQueue<>();
      AtomicReference<IOException> failed = new AtomicReference<>();
      Thread copier = Thread.ofPlatform().name("confide-executable-copy").start(() -> {
        try {
          long position = 0;
          while (position < size) {
            long n = in.transferTo(position, Math.min(RUN, size - position), out);
            if (n <= 0) {
              break; // the source shrank: the copy (and its hash) end here
            }
            position += n;
            copied.add(position);
          }
        } catch (IOException e) {
          failed.set(e);
        } finally {
          copied.add(END);
        }
      });
      MessageDigest md = Hashes.sha256();
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      long hashed = 0;
      try {
        for (long upTo; (upTo = copied.take()) != END; ) {
          while (hashed < upTo) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), upTo - hashed));
            int n = back.read(buffer, hashed);
            if (n <= 0) {
              throw new IOException("the copy of " + source + " is shorter than what was copied into it");
            }
            md.update(buffer.flip());
            hashed += n;
          }
        }
        copier.join();
      } catch (InterruptedException e) {
        copier.interrupt();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while copying " + source, e);
      }
      if (failed.get() != null) {
        throw failed.get();
      }
      return md.digest();
    }
  }
}
