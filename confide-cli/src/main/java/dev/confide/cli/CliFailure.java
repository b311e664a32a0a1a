package dev.confide.cli;

/** A refusal decided by the CLI itself: one line, a hint, a documented exit code. */
public final class CliFailure extends RuntimeException {
  private final String error;
  private final String hint;
  private final int exitCode;

  public CliFailure(int exitCode, String error, String message, String hint) {
    super(message);
    this.exitCode = exitCode;
    this.error = error;
    this.hint = hint;
  }

  String error() {
    return error;
  }

  String hint() {
    return hint;
  }

  int exitCode() {
    return exitCode;
  }
}
