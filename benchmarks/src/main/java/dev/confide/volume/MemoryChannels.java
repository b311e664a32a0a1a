package dev.confide.volume;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** Channels over memory, so the benchmarks measure cryptography and copies, not the disk. */
final class MemoryChannels {
  private MemoryChannels() {}

  static ReadableByteChannel reading(ByteBuffer source) {
    ByteBuffer view = source.duplicate();
    return new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) {
        if (!view.hasRemaining()) {
          return -1;
        }
        int n = Math.min(dst.remaining(), view.remaining());
        dst.put(dst.position(), view, view.position(), n);
        dst.position(dst.position() + n);
        view.position(view.position() + n);
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  /** Counts and drops what is written, like the counting sink of the Tink stream benchmark. */
  static WritableByteChannel discarding() {
    return new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) {
        int n = src.remaining();
        src.position(src.limit());
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  /** Copies into {@code target} (which must be large enough), from its start. */
  static WritableByteChannel writing(ByteBuffer target) {
    target.clear();
    return new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) {
        int n = src.remaining();
        target.put(src);
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
