package dev.confide.attest;

/** Evidence refused, or nothing to measure: {@link #reason()} is a stable code, the message one line. */
public final class AttestationException extends Exception {
  /** Why evidence or a measurement was refused. */
  public enum Reason {
    SIMULATION_NOT_TOLERATED, UNTRUSTED_HOST, BAD_SIGNATURE, MALFORMED, REPORT_DATA_MISMATCH, MEASUREMENT_NOT_ALLOWED,
    COMMAND_NOT_FOUND, IO,
    /** A hardware evidence's certificate chain does not lead to the pinned vendor root. */
    BAD_CHAIN,
    /** A certificate or collateral is outside its validity at the verification time. */
    EXPIRED,
    /** The platform's TCB is not the one its certificate or collateral vouches for, or below the policy's minimum. */
    TCB,
    /** The guest runs in a mode the policy does not tolerate (debug, VMPL, migration agent). */
    GUEST_POLICY,
    /** What verification needs (a VCEK, TCB info) is not in the collateral. */
    NO_COLLATERAL
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
