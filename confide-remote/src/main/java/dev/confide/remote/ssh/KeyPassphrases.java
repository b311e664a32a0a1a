package dev.confide.remote.ssh;

import java.nio.file.Path;

/**
 * Where the passphrase of a protected identity file comes from: a one-method strategy, like
 * {@link UnknownHostKeys}. Never a command-line argument or an environment variable: at a
 * terminal the user types it; elsewhere there is none (use ssh-agent).
 */
@FunctionalInterface
public interface KeyPassphrases {
  /** The passphrase of {@code keyFile} for the {@code attempt}-th try (0 first); null: none, give up. */
  String passphrase(Path keyFile, int attempt);

  /** How many passphrases are asked for before the key is given up, as ssh does. */
  int TRIES = 3;

  /** No passphrase: a protected key cannot be used (outside a terminal). */
  KeyPassphrases NONE = (file, attempt) -> null;

  /** Asks at the terminal, three tries at most, echoing nothing. */
  static KeyPassphrases askingAt(java.io.Console console) {
    return (file, attempt) -> {
      if (attempt >= TRIES) {
        return null;
      }
      char[] typed = console.readPassword("Enter passphrase for key '%s': ", file);
      return typed == null ? null : new String(typed);
    };
  }
}
