package dev.confide.cli.volume;

import dev.confide.volume.KeyFile;
import dev.confide.volume.SymmetricKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A new key written to its 0600 file before the work that needs it, and removed again if that
 * work fails: a failed command leaves no key for data that does not exist.
 */
public final class NewKeyFile {
  private NewKeyFile() {}

  static <T> T use(Path keyOut, Function<SymmetricKey, T> work) {
    SymmetricKey key = SymmetricKey.generate();
    KeyFile.write(keyOut, key);
    boolean done = false;
    try {
      T result = work.apply(key);
      done = true;
      return result;
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(keyOut);
        } catch (IOException ignored) {
          // the work's own error is the one to report
        }
      }
    }
  }
}
