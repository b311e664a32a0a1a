package dev.confide.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * How a service's {@code command} string becomes an argument vector: words split at white space,
 * single or double quotes group a word (no escapes, no variables, no globbing — no shell runs it).
 * The first word is the executable that attestation measures.
 */
public final class RunCommand {
  /** The PATH a program gets, and its executable is looked up in, when the service sets none. */
  public static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  private RunCommand() {}

  /** The words of {@code command}; an unclosed quote is an {@link IllegalArgumentException}. */
  public static List<String> words(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char ch = command.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          word.append(ch);
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(ch)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(ch);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("the command has an unclosed " + quote + " quote");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  /** The command's first word: what the runtime starts and measures. */
  public static String executable(String command) {
    List<String> words = words(command);
    return words.isEmpty() ? "" : words.getFirst();
  }
}
