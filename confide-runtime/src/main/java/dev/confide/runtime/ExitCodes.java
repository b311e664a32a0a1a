package dev.confide.runtime;

import dev.confide.volume.Failure;

/**
 * The documented exit codes (README, "Exit codes") of the CLI and the runtime: sysexits where one
 * fits, plus integrity.
 */
public final class ExitCodes {
  public static final int OK = 0;
  /** A comparison found a difference ({@code session verify}), as diff(1) does. */
  public static final int DIFFERS = 1;
  public static final int USAGE = 64;
  public static final int DATA = 65;
  public static final int NO_INPUT = 66;
  /** A service (the CAS, a database) cannot be reached or failed. */
  public static final int UNAVAILABLE = 69;
  public static final int SOFTWARE = 70;
  public static final int CANT_CREATE = 73;
  public static final int IO = 74;
  public static final int TEMP_FAIL = 75;
  public static final int DENIED = 77;
  /** Something must be set up first (an identity, a pinned CAS). */
  public static final int CONFIG = 78;
  /** Tampering, substitution, truncation, deletion or rollback was detected. */
  public static final int INTEGRITY = 80;
  /** The user stopped the command (Ctrl-C): 128 + SIGINT, as a shell reports it. */
  public static final int CANCELLED = 130;

  private ExitCodes() {}

  public static int of(Failure failure) {
    return switch (failure) {
      case BAD_DATA -> DATA;
      case MISSING_INPUT -> NO_INPUT;
      case CANNOT_CREATE -> CANT_CREATE;
      case IO -> IO;
      case DENIED -> DENIED;
      case BUSY -> TEMP_FAIL;
      case INTEGRITY -> INTEGRITY;
    };
  }
}
