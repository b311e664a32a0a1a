package dev.confide.policy;

/**
 * A session text that cannot be accepted. The message names the place ({@code file:line:column})
 * and the problem; {@link #hint()} says what to change.
 */
public final class PolicyException extends Exception {
  private final String hint;

  public PolicyException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
