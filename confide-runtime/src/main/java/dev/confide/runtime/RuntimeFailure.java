package dev.confide.runtime;

/** A run that cannot go on: one line saying what, a hint saying how to fix it, and what kind it is. */
public final class RuntimeFailure extends RuntimeException {
  /** The kinds a caller maps to exit codes. */
  public enum Kind {
    /** The host or the command line is wrong (a volume named twice, a missing directory). */
    USAGE,
    /** Something this host needs is missing (bubblewrap, a tmpfs, the host key). */
    UNAVAILABLE,
    /** A volume is not what the CAS expects: rolled back, replaced, tampered with. */
    INTEGRITY,
    /** Another run committed first; this run's results were not committed. */
    CONFLICT,
    /** Reading or writing the host's files failed. */
    IO,
    /** The user stopped the run (Ctrl-C through a daemon's client); nothing was committed. */
    CANCELLED,
    /** The runtime failed in a way it did not expect (a bug), or said something its client cannot read. */
    INTERNAL
  }

  private final Kind kind;
  private final String hint;

  public RuntimeFailure(Kind kind, String message, String hint) {
    super(message);
    this.kind = kind;
    this.hint = hint;
  }

  public RuntimeFailure(Kind kind, String message, String hint, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.hint = hint;
  }

  public Kind kind() {
    return kind;
  }

  public String hint() {
    return hint;
  }
}
