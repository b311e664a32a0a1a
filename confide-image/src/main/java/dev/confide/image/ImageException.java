package dev.confide.image;

import dev.confide.runtime.ExitCodes;

/** A conversion or inspection refused: one line, a hint, and the exit code ({@link ExitCodes}). */
public final class ImageException extends RuntimeException {
  private final int exitCode;
  private final String hint;

  public ImageException(int exitCode, String message, String hint) {
    super(message);
    this.exitCode = exitCode;
    this.hint = hint;
  }

  public int exitCode() {
    return exitCode;
  }

  public String hint() {
    return hint;
  }

  /** The stable error code shown in JSON output. */
  public String error() {
    return switch (exitCode) {
      case ExitCodes.USAGE -> "usage";
      case ExitCodes.DATA -> "not_an_image";
      case ExitCodes.NO_INPUT -> "missing_input";
      case ExitCodes.CANT_CREATE -> "output_exists";
      default -> "io";
    };
  }
}
