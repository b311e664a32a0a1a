package dev.confide.policy;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SCONE's host inputs: values the untrusted host gives when it starts a run, taken only where the
 * session says so. {@code @@N} as a whole word of a service's {@code command} (N from 1, not the
 * program itself): the host's Nth argument, put there as it is (no secret is substituted in it).
 * {@code \@\@NAME} (or {@code @@NAME}) as the name of an environment variable: the variable
 * {@code NAME}, its value from the host (the value the session writes is ignored). A run whose
 * host leaves out one the session takes, or gives one it does not take, is refused. Anything else
 * that looks like either ({@link #looksLike}) is refused where a session is parsed: text that
 * would otherwise reach the program literally, not as what its author meant.
 */
public final class HostInputs {
  private static final Pattern ARGUMENT = Pattern.compile("@@([1-9][0-9]{0,3})");
  private static final Pattern VARIABLE = Pattern.compile("(?:\\\\@\\\\@|@@)([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern LOOKS_LIKE = Pattern.compile("\\\\@\\\\@|@@[A-Za-z0-9_]");

  private HostInputs() {}

  /** The host argument {@code word} stands for (1: the first), if it is one. */
  public static OptionalInt argument(String word) {
    Matcher m = ARGUMENT.matcher(word);
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** The host variable an environment name stands for ({@code \@\@NAME} or {@code @@NAME}: NAME), if it is one. */
  public static Optional<String> variable(String environmentName) {
    Matcher m = VARIABLE.matcher(environmentName);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The first thing in {@code text} that looks like a host input ({@code @@} and a name or digit, or {@code \@\@}), or null. */
  public static String looksLike(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = LOOKS_LIKE.matcher(text);
    if (!m.find()) {
      return null;
    }
    int end = m.end();
    while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
      end++;
    }
    return text.substring(m.start(), end);
  }
}
