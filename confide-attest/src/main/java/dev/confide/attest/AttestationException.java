package dev.confide.attest;

/** Evidence refused, or nothing to measure: {@link #reason()} is a stable code, the message one line. */
public final class AttestationException extends Exception {
  /** Why evidence or a measurement was refused. */
  public enum Reason {
    SIMULATION_NOT_TOLERATED, UNTRUSTED_HOST, BAD_SIGNATURE, MALFORMED, REPORT_DATA_MISMATCH, MEASUREMENT_NOT_ALLOWED,
    COMMAND_NOT_FOUND, IO
  }

  private final Reason reason;
  private final String hint;

  public AttestationException(Reason reason, String message, String hint) {
    super(message);
    this.reason = reason;
    this.hint = hint;
  }

  public Reason reason() {
    return reason;
  }

  public String hint() {
    return hint;
  }
}
