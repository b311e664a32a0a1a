package dev.confide.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads several source files one after another as one stream, insisting that each holds exactly
 * the size it had when the tree was scanned.
 */
final class Concatenation implements ReadableByteChannel {
  private final List<SourceEntry> files;
  private int current = -1;
  private FileChannel channel;
  private long left;

  Concatenation(List<SourceEntry> files) {
    this.files = files;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int total = 0;
    while (dst.hasRemaining()) {
      if (channel == null || left == 0) {
        if (!nextFile()) {
          return total == 0 ? -1 : total;
        }
        continue;
      }
      int saved = dst.limit();
      dst.limit((int) Math.min(saved, dst.position() + left));
      int n = channel.read(dst);
      dst.limit(saved);
      if (n < 0) {
        throw changed(files.get(current));
      }
      left -= n;
      total += n;
    }
    return total;
  }

  private boolean nextFile() throws IOException {
    if (channel != null) {
      if (channel.read(ByteBuffer.allocate(1)) != -1) {
        throw changed(files.get(current));
      }
      channel.close();
      channel = null;
    }
    if (current + 1 >= files.size()) {
      return false;
    }
    SourceEntry f = files.get(++current);
    try {
      channel = FileChannel.open(f.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw changed(f);
    }
    left = f.size();
    return true;
  }

  private static VolumeException changed(SourceEntry f) {
    return new VolumeException(Failure.IO, EntryPath.display(f.path()) + " changed size while being read",
        "retry when nothing is writing to it");
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
