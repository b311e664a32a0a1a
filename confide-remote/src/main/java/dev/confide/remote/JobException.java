package dev.confide.remote;

/**
 * A run the user's side refuses before anything reaches a host, or a host that cannot take it: one
 * line, a hint, a stable error code and the exit code ({@link dev.confide.runtime.ExitCodes}).
 */
public final class JobException extends RuntimeException {
  private final int exitCode;
  private final String error;
  private final String hint;

  public JobException(int exitCode, String error, String message, String hint) {
    super(message);
    this.exitCode = exitCode;
    this.error = error;
    this.hint = hint;
  }

  public JobException(int exitCode, String error, String message, String hint, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.error = error;
    this.hint = hint;
  }

  public int exitCode() {
    return exitCode;
  }

  public String error() {
    return error;
  }

  public String hint() {
    return hint;
  }
}
