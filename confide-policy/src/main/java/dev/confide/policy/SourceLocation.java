package dev.confide.policy;

/** A place in a session file, 1-based, as editors show it. */
public record SourceLocation(String source, int line, int column) {
  @Override
  public String toString() {
    return source + ":" + line + ":" + column;
  }
}
