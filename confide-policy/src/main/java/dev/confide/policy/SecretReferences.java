package dev.confide.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code $$CONFIDE::name$$} and {@code $$CONFIDE::name:format$$} placeholders in a command,
 * an environment value or an injection file, which the runtime replaces with secret values.
 */
public final class SecretReferences {
  /** Formats a placeholder may ask for. */
  public static final List<String> FORMATS = List.of("hex", "base64", "pem", "crt", "key", "chain");
  static final Pattern PLACEHOLDER = Pattern.compile("\\$\\$CONFIDE::([^$:]*)(?::([^$]*))?\\$\\$");

  private SecretReferences() {}

  /** A placeholder found in a text. */
  public record Reference(String secret, String format, int start, int end) {}

  public static List<Reference> in(String text) {
    List<Reference> found = new ArrayList<>();
    if (text == null) {
      return found;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      found.add(new Reference(m.group(1), m.group(2), m.start(), m.end()));
    }
    return found;
  }
}
