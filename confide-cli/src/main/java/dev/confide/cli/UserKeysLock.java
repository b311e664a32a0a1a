package dev.confide.cli;

import dev.confide.cas.common.PrivateFiles;
import java.io.IOException;

/**
 * Held while the user's own keys are looked for and, on first use, made (the identity and this
 * host's key), and while the pinned CASes are changed. Two first runs at once (two terminals, or
 * two requests to the daemon) would each make an identity and write theirs over the other's, and
 * one run's CAS would then admit a key no file holds ({@code CONFIG/keys.lock}, see {@link
 * PrivateFiles#locked}).
 */
public final class UserKeysLock {
  static final String FILE = "keys.lock";

  private UserKeysLock() {}

  public static <T> T holding(ConfideDirs dirs, PrivateFiles.LockedWork<T> work) throws IOException {
    PrivateFiles.directory(dirs.config());
    return PrivateFiles.locked(dirs.config().resolve(FILE), work);
  }
}
