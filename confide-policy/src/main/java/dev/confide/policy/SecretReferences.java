package dev.confide.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code $$CONFIDE::name$$} and {@code $$CONFIDE::name:format$$} placeholders in a command,
 * an environment value or an injection file, which the runtime replaces with secret values.
 * SCONE's {@code $$SCONE::name$$} and {@code $$SCONE::name:format$$} are the same placeholder.
 *
 * <p>Formats: {@code hex}, {@code base64}; {@code bin} (the stored bytes, as text: valid UTF-8
 * only); {@code pem} (the whole PEM text of a key or certificate); {@code crt} and
 * {@code crt:pem} (its certificates); {@code chain} (the certificate and its issuers);
 * {@code key}, {@code privatekey}, {@code privatekey:pem}, {@code privatekey:pkcs8:pem} and
 * {@code pkcs8:pem} (its private key, PKCS#8 PEM; a pgp-key's armored secret key); {@code public} (a
 * pgp-key's armored public key, a certificate secret's certificates). SCONE's DER forms ({@code der},
 * {@code crt:der}, {@code privatekey:der}, ...) are binary and are refused by name
 * ({@link #BINARY_FORMATS}): a command, an environment value and an injection file are text here.
 * SCONE's dotted forms of a certificate's parts, {@code $$SCONE::name.crt$$}, {@code name.key} and
 * {@code name.chain}, are {@code name:crt}, {@code name:key} and {@code name:chain} where no secret
 * is named {@code name.crt} itself ({@link #in(String, Predicate)}).
 */
public final class SecretReferences {
  /** Formats a placeholder may ask for. */
  public static final List<String> FORMATS = List.of("hex", "base64", "bin", "pem", "crt", "crt:pem", "chain", "key",
      "privatekey", "privatekey:pem", "privatekey:pkcs8:pem", "pkcs8:pem", "public");
  /** SCONE's binary formats: known, refused with their reason. */
  public static final List<String> BINARY_FORMATS = List.of("der", "pkcs8:der", "crt:der", "privatekey:der",
      "privatekey:pkcs8:der");
  static final Pattern PLACEHOLDER = Pattern.compile("\\$\\$(CONFIDE|SCONE)::([^$:]*)(?::([^$]*))?\\$\\$");

  private SecretReferences() {}

  /** A placeholder found in a text: the secret, its format (null: none), where it is, and how it was written (CONFIDE or SCONE). */
  public record Reference(String secret, String format, int start, int end, String prefix, String written) {

    /** The format as Confide names it: {@code key} for every private-key form, {@code crt} for crt:pem. */
    public String canonicalFormat() {
      if (format == null) {
        return null;
      }
      return switch (format) {
        case "privatekey", "privatekey:pem", "privatekey:pkcs8:pem", "pkcs8:pem" -> "key";
        case "crt:pem" -> "crt";
        default -> format;
      };
    }
  }

  public static List<Reference> in(String text) {
    List<Reference> found = new ArrayList<>();
    if (text == null) {
      return found;
    }
    Matcher m = PLACEHOLDER.matcher(text);
    while (m.find()) {
      found.add(new Reference(m.group(2), m.group(3), m.start(), m.end(), m.group(1), m.group()));
    }
    return found;
  }

  /** SCONE's dotted parts of a certificate: {@code name.crt}, {@code name.key}, {@code name.chain}. */
  private static final Pattern DOTTED = Pattern.compile("(.+)\\.(crt|key|chain)");

  /**
   * The placeholders of {@code text}, SCONE's dotted forms read as formats: {@code name.crt} is
   * secret {@code name} as {@code crt} when {@code isSecret} knows {@code name} and not
   * {@code name.crt}.
   */
  public static List<Reference> in(String text, java.util.function.Predicate<String> isSecret) {
    List<Reference> found = new ArrayList<>();
    for (Reference r : in(text)) {
      Matcher dotted = DOTTED.matcher(r.secret());
      if (r.format() == null && !isSecret.test(r.secret()) && dotted.matches() && isSecret.test(dotted.group(1))) {
        found.add(new Reference(dotted.group(1), dotted.group(2), r.start(), r.end(), r.prefix(), r.written()));
      } else {
        found.add(r);
      }
    }
    return found;
  }

  /** Whether {@code text} is exactly one placeholder. */
  public static boolean isPlaceholder(String text) {
    return text != null && PLACEHOLDER.matcher(text).matches();
  }

  /** Whether {@code text} holds a placeholder anywhere. */
  public static boolean containsPlaceholder(String text) {
    return text != null && PLACEHOLDER.matcher(text).find();
  }

  /** Where a placeholder starts at {@code i} of {@code text}: its length to the closing {@code $$}, or 0 when none starts there. */
  public static int placeholderAt(String text, int i) {
    if (!text.startsWith("$$CONFIDE::", i) && !text.startsWith("$$SCONE::", i)) {
      return 0;
    }
    int close = text.indexOf("$$", i + 2);
    return (close < 0 ? text.length() : close + 2) - i;
  }
}
