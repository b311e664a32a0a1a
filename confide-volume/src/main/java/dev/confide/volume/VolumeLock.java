package dev.confide.volume;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;

/** An exclusive advisory lock on a volume, held while its first or a new generation is written (and collected). */
final class VolumeLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private VolumeLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static VolumeLock acquire(VolumeLayout layout) {
    FileChannel ch = null;
    try {
      ch = FileChannel.open(layout.dir().resolve(VolumeLayout.LOCK), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null; // held by this very process
      }
      if (lock == null) {
        ch.close();
        throw new VolumeException(Failure.BUSY,
            "volume " + layout.dir() + " is being written by another process (a seal or an update)",
            "wait for it to finish, then retry");
      }
      return new VolumeLock(ch, lock);
    } catch (IOException e) {
      closeQuietly(ch);
      throw Io.failure("cannot lock volume " + layout.dir(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
    }
  }
}
