package dev.confide.policy;

/**
 * Where a YAML text's comments are, so that a template's variables written only in a comment
 * ({@code # run with -e PORT=...}) are neither filled nor demanded. A comment is a {@code #} at a
 * line's start or after white space, outside a quoted scalar and outside a block scalar's content
 * ({@code |} or {@code >}: its lines are text, {@code #} included). Quotes count where a scalar can
 * start (after {@code : }, {@code - }, {@code [}, {@code {}, {@code ,} or at the line's first
 * character); a quoted scalar spanning lines is not followed.
 */
final class YamlComments {
  private static final java.util.regex.Pattern BLOCK_START = java.util.regex.Pattern.compile("(^|.*[:\\-]\\s+)[|>][-+0-9]*\\s*$");

  private YamlComments() {}

  /** For each character of {@code text}: whether it belongs to a comment. */
  static boolean[] mask(String text) {
    boolean[] comment = new boolean[text.length()];
    int blockIndent = -1;
    int lineStart = 0;
    while (lineStart <= text.length() - 1) {
      int lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) {
        lineEnd = text.length();
      }
      String line = text.substring(lineStart, lineEnd);
      int indent = 0;
      while (indent < line.length() && line.charAt(indent) == ' ') {
        indent++;
      }
      boolean blank = line.isBlank();
      if (blockIndent >= 0 && (blank || indent > blockIndent)) {
        lineStart = lineEnd + 1;
        continue; // a block scalar's text
      }
      blockIndent = -1;
      int at = commentStart(line);
      if (at >= 0) {
        for (int j = at; j < line.length(); j++) {
          comment[lineStart + j] = true;
        }
      }
      String code = at >= 0 ? line.substring(0, at) : line;
      if (BLOCK_START.matcher(code.stripTrailing()).matches() && !code.isBlank()) {
        blockIndent = indent;
      }
      lineStart = lineEnd + 1;
    }
    return comment;
  }

  private static int commentStart(String line) {
    char quote = 0;
    char previous = 0;
    for (int j = 0; j < line.length(); j++) {
      char c = line.charAt(j);
      if (quote == '"') {
        if (c == '\\') {
          j++;
        } else if (c == '"') {
          quote = 0;
        }
      } else if (quote == '\'') {
        if (c == '\'' && j + 1 < line.length() && line.charAt(j + 1) == '\'') {
          j++;
        } else if (c == '\'') {
          quote = 0;
        }
      } else if ((c == '"' || c == '\'') && scalarMayStart(line, j)) {
        quote = c;
      } else if (c == '#' && (j == 0 || Character.isWhitespace(previous))) {
        return j;
      }
      previous = c;
    }
    return -1;
  }

  /** Whether a scalar may start at {@code j}: the line's first non-space character, or after ": ", "- ", "[", "{" or ",". */
  private static boolean scalarMayStart(String line, int j) {
    int k = j - 1;
    while (k >= 0 && line.charAt(k) == ' ') {
      k--;
    }
    if (k < 0) {
      return true;
    }
    char before = line.charAt(k);
    return before == '[' || before == '{' || before == ',' || ((before == ':' || before == '-') && k < j - 1);
  }
}
