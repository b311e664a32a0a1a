package dev.confide.cli;

import dev.confide.cas.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;

/**
 * Held while the user's own keys are looked for and, on first use, made (the identity and this
 * host's key), and while the pinned CASes are changed. Two first runs at once (two terminals, or
 * two requests to the daemon) would each make an identity and write theirs over the other's, and
 * one run's CAS would then admit a key no file holds. A file lock ({@code CONFIG/keys.lock})
 * across processes, a monitor within one JVM.
 */
final class UserKeysLock {
  private static final Object IN_THIS_JVM = new Object();
  static final String FILE = "keys.lock";

  private UserKeysLock() {}

  interface Work<T> {
    T run() throws IOException;
  }

  static <T> T holding(ConfideDirs dirs, Work<T> work) throws IOException {
    PrivateFiles.directory(dirs.config());
    synchronized (IN_THIS_JVM) {
      try (FileChannel file = FileChannel.open(dirs.config().resolve(FILE), StandardOpenOption.CREATE,
               StandardOpenOption.WRITE);
           FileLock held = file.lock()) {
        return work.run();
      }
    }
  }
}
