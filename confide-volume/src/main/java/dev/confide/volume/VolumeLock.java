package dev.confide.volume;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An exclusive advisory lock on a volume, held while its first or a new generation is written (and collected). */
final class VolumeLock implements AutoCloseable {
  /**
   * The volumes this process holds locked. Process-wide on purpose, as the locks are: closing any
   * descriptor of a file drops every lock the process holds on it (POSIX), so a second writer in
   * this process (the daemon) must be refused without opening the lock file at all; opening and
   * closing it used to free the first writer's lock for any other process.
   */
  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final Path held;
  private final FileChannel channel;
  private final FileLock lock;

  private VolumeLock(Path held, FileChannel channel, FileLock lock) {
    this.held = held;
    this.channel = channel;
    this.lock = lock;
  }

  static VolumeLock acquire(VolumeLayout layout) {
    Path file;
    try {
      file = layout.dir().toRealPath().resolve(VolumeLayout.LOCK); // one name however the volume was named
    } catch (IOException e) {
      throw Io.failure("cannot lock volume " + layout.dir(), e);
    }
    if (!HELD_HERE.add(file)) {
      throw busy(layout);
    }
    FileChannel ch = null;
    try {
      if (java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        HostFile.requireRegular(file);
        HostFile.requireOwnedAndPrivate(file);
      }
      // owner-only: a lock file others may open lets any of them hold a lock that blocks every update
      ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          java.nio.file.LinkOption.NOFOLLOW_LINKS), HostFile.OWNER_ONLY_FILE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        throw busy(layout);
      }
      return new VolumeLock(file, ch, lock);
    } catch (IOException e) {
      closeQuietly(ch);
      HELD_HERE.remove(file);
      throw Io.failure("cannot lock volume " + layout.dir(), e);
    } catch (RuntimeException e) {
      HELD_HERE.remove(file);
      throw e;
    }
  }

  private static VolumeException busy(VolumeLayout layout) {
    return new VolumeException(Failure.BUSY,
        "volume " + layout.dir() + " is being written by another process (a seal or an update)",
        "wait for it to finish, then retry");
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
    HELD_HERE.remove(held);
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
