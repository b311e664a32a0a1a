package dev.confide.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only window onto a file: {@code size} bytes from {@code start}, seen as a channel of its
 * own (a layer inside an image tarball, for a {@link org.apache.commons.compress.archivers.tar.TarFile}
 * that reads its headers and seeks past the contents). Closing it closes the file's channel.
 */
final class ChannelRegion implements SeekableByteChannel {
  private final FileChannel file;
  private final long start;
  private final long size;
  private long position;

  ChannelRegion(FileChannel file, long start, long size) {
    this.file = file;
    this.start = start;
    this.size = size;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    long left = size - position;
    if (left <= 0) {
      return -1;
    }
    ByteBuffer window = dst.remaining() > left ? dst.slice().limit((int) left) : dst;
    int n = file.read(window, start + position);
    if (n > 0) {
      position += n;
      if (window != dst) {
        dst.position(dst.position() + n);
      }
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position");
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return file.isOpen();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
