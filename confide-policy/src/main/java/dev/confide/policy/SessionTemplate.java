package dev.confide.policy;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fills {@code $VAR} and {@code ${VAR}} in a session template before it is parsed. {@code
 * $$CONFIDE::name$$} and SCONE's {@code $$SCONE::name$$} placeholders are left for the runtime; any
 * other {@code $$} stands for one {@code $}. Comments are left as they are: a variable named only in
 * a comment is not demanded ({@link YamlComments}). A value is inserted as it is, so it may not contain a line break.
 */
public final class SessionTemplate {
  private SessionTemplate() {}

  /**
   * @throws PolicyException naming every variable the template uses but {@code values} lacks, with
   *     the line of its first use
   */
  public static String fill(String source, String text, Map<String, String> values) throws PolicyException {
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\r') >= 0) {
        throw new PolicyException("the value of " + e.getKey() + " contains a line break",
            "give a one-line value, or put the text into the template itself");
      }
    }
    StringBuilder out = new StringBuilder(text.length());
    Set<String> missing = new LinkedHashSet<>();
    String firstMissingAt = null;
    int line = 1;
    int i = 0;
    boolean[] comment = YamlComments.mask(text);
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
      }
      if (c != '$' || comment[i]) {
        out.append(c);
        i++;
        continue;
      }
      int placeholder = SecretReferences.placeholderAt(text, i);
      if (placeholder > 0) {
        out.append(text, i, i + placeholder);
        i += placeholder;
        continue;
      }
      if (text.startsWith("$$", i)) {
        out.append('$');
        i += 2;
        continue;
      }
      int nameStart;
      int nameEnd;
      int after;
      if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
        nameStart = i + 2;
        nameEnd = text.indexOf('}', nameStart);
        if (nameEnd < 0) {
          throw new PolicyException(source + ":" + line + ": '${' without a closing '}'", "close the variable with '}'");
        }
        after = nameEnd + 1;
      } else {
        nameStart = i + 1;
        nameEnd = nameStart;
        while (nameEnd < text.length() && isNameChar(text.charAt(nameEnd), nameEnd == nameStart)) {
          nameEnd++;
        }
        after = nameEnd;
      }
      String name = text.substring(nameStart, nameEnd);
      if (name.isEmpty()) {
        out.append(c);
        i++;
        continue;
      }
      String value = values.get(name);
      if (value == null) {
        if (missing.add(name) && firstMissingAt == null) {
          firstMissingAt = source + ":" + line;
        }
      } else {
        out.append(value);
      }
      i = after;
    }
    if (!missing.isEmpty()) {
      throw new PolicyException(firstMissingAt + ": template variable" + (missing.size() == 1 ? " " : "s ")
          + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " not filled",
          "give " + missing.stream().map(m -> "-e " + m + "=VALUE").reduce((a, b) -> a + " " + b).orElseThrow());
    }
    return out.toString();
  }

  private static boolean isNameChar(char c, boolean first) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
  }
}
