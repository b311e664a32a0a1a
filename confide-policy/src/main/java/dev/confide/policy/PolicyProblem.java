package dev.confide.policy;

/**
 * One thing wrong with a session text: where ({@code file:line:column}; null when the text as a
 * whole is wrong), what, and what to write instead.
 */
public record PolicyProblem(SourceLocation where, String message, String hint) {
  /** {@code file:line:column: message}, as an editor's error list shows it. */
  @Override
  public String toString() {
    return (where == null ? "" : where + ": ") + message;
  }
}
