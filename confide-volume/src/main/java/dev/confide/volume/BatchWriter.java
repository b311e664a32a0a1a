package dev.confide.volume;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands filled buffers to a channel. Asynchronous mode writes on a second thread, so that the
 * caller encrypts or decrypts the next batch while the kernel copies the previous one: the two
 * cores of a small machine then overlap cryptography and I/O. Synchronous mode, for small files,
 * writes in the caller's thread and costs no thread.
 */
final class BatchWriter implements AutoCloseable {
  private static final ByteBuffer END = ByteBuffer.allocate(0);
  private static final int BUFFERS = 4;

  private final WritableByteChannel out;
  private final BlockingQueue<ByteBuffer> free;
  private final BlockingQueue<ByteBuffer> full;
  private final Thread thread;
  private final ByteBuffer single;
  private final FileSystemSync.Writeback writeback;
  private long written;
  private long writebackFrom;
  private volatile IOException failure;
  private boolean finished;

  private BatchWriter(WritableByteChannel out, int bufferSize, boolean async, FileSystemSync.Writeback writeback) {
    this.out = out;
    this.writeback = writeback;
    if (async) {
      this.single = null;
      this.free = new ArrayBlockingQueue<>(BUFFERS);
      this.full = new ArrayBlockingQueue<>(BUFFERS + 1);
      for (int i = 0; i < BUFFERS; i++) {
        free.add(ByteBuffer.allocate(bufferSize));
      }
      this.thread = Thread.ofPlatform().daemon().name("confide-writer").start(this::drain);
    } else {
      this.single = ByteBuffer.allocate(bufferSize);
      this.free = null;
      this.full = null;
      this.thread = null;
    }
  }

  static BatchWriter async(WritableByteChannel out, int bufferSize) {
    return new BatchWriter(out, bufferSize, true, null);
  }

  /** Asynchronous, and asks the kernel to start writing each {@link #WRITEBACK_STEP} to disk. */
  static BatchWriter asyncWithWriteback(WritableByteChannel out, int bufferSize, FileSystemSync.Writeback writeback) {
    return new BatchWriter(out, bufferSize, true, writeback);
  }

  static final long WRITEBACK_STEP = 16L << 20;

  static BatchWriter sync(WritableByteChannel out, int bufferSize) {
    return new BatchWriter(out, bufferSize, false, null);
  }

  /** An empty buffer to fill; blocks while all buffers are queued for writing. */
  ByteBuffer next() throws IOException {
    rethrow();
    if (single != null) {
      return single.clear();
    }
    try {
      return free.take().clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to write");
    }
  }

  /** Queues (or writes) the bytes between 0 and the buffer's position. */
  void submit(ByteBuffer filled) throws IOException {
    filled.flip();
    if (single != null) {
      writeFully(filled);
      return;
    }
    rethrow();
    full.add(filled);
  }

  /**
   * Waits for every queued buffer to be written; reports the first write failure. Starts writeback
   * of what no step has started yet, so that the final flush finds the object's tail on its way.
   */
  void finish() throws IOException {
    finished = true;
    if (thread != null) {
      full.add(END);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing");
      }
    }
    rethrow();
    if (writeback != null && written > writebackFrom) {
      writeback.start(writebackFrom, written - writebackFrom);
      writebackFrom = written;
    }
  }

  @Override
  public void close() {
    if (!finished && thread != null) {
      finished = true;
      full.add(END);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void drain() {
    try {
      while (true) {
        ByteBuffer b = full.take();
        if (b == END) {
          return;
        }
        if (failure == null) {
          try {
            writeFully(b);
          } catch (IOException e) {
            failure = e;
          }
        }
        free.add(b);
      }
    } catch (InterruptedException e) {
      failure = new InterruptedIOException("writer interrupted");
    }
  }

  private void writeFully(ByteBuffer b) throws IOException {
    written += b.remaining();
    while (b.hasRemaining()) {
      out.write(b);
    }
    if (writeback != null && written - writebackFrom >= WRITEBACK_STEP) {
      writeback.start(writebackFrom, written - writebackFrom);
      writebackFrom = written;
    }
  }

  private void rethrow() throws IOException {
    IOException f = failure;
    if (f != null) {
      throw f;
    }
  }
}
