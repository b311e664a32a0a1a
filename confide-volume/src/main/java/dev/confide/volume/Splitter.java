package dev.confide.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * Receives an object's plaintext in order and hands each file's range to that file's sink; bytes
 * between or after the files (padding) are dropped.
 */
final class Splitter implements WritableByteChannel {
  /** Where one file's bytes go; opened when its first byte arrives (or at the end, if empty). */
  interface Sinks {
    WritableByteChannel open(Entry.File file) throws IOException;

    void close(Entry.File file, WritableByteChannel sink) throws IOException;
  }

  private final List<Entry.File> files;
  private final Sinks sinks;
  private int current;
  private WritableByteChannel sink;
  private long position;

  Splitter(List<Entry.File> files, Sinks sinks) {
    this.files = files;
    this.sinks = sinks;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int n = src.remaining();
    while (src.hasRemaining() && current < files.size()) {
      Entry.File f = files.get(current);
      long end = f.offset() + f.size();
      if (position < f.offset()) {
        int skip = (int) Math.min(src.remaining(), f.offset() - position);
        src.position(src.position() + skip);
        position += skip;
        continue;
      }
      if (position >= end) {
        advance();
        continue;
      }
      if (sink == null) {
        sink = sinks.open(f);
      }
      int take = (int) Math.min(src.remaining(), end - position);
      ByteBuffer part = src.slice(src.position(), take);
      while (part.hasRemaining()) {
        sink.write(part);
      }
      src.position(src.position() + take);
      position += take;
      if (position == end) {
        advance();
      }
    }
    src.position(src.limit());
    return n;
  }

  private void advance() throws IOException {
    Entry.File f = files.get(current);
    if (sink == null) {
      sink = sinks.open(f);
    }
    sinks.close(f, sink);
    sink = null;
    current++;
  }

  /** Closes the remaining files (empty ones, or ones a short stream never reached). */
  void finish() throws IOException {
    while (current < files.size()) {
      advance();
    }
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() {}
}
