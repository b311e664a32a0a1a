package dev.confide.runtime;

import dev.confide.policy.SecretReferences;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code $$CONFIDE::name$$} and {@code $$CONFIDE::name:format$$} (and SCONE's {@code $$SCONE::...$$},
 * the same placeholder; {@link SecretReferences}) with secret values.
 * Without a format the value goes in as it is stored (text: an ascii secret, PEM for keys and
 * certificates); {@code hex} and {@code base64} encode the stored bytes; {@code pem} is the whole
 * PEM text, {@code crt} and {@code chain} its certificates, {@code key} its private key (a pgp-key's
 * armored secret key), {@code public} a pgp-key's armored public key or a certificate's certificates. Failures
 * name the secret, never its value.
 */
final class SecretSubstitution {
  private static final Pattern PEM_BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z ]+)-----.*?-----END \\1-----\\r?\\n?", Pattern.DOTALL);
  private final Map<String, byte[]> secrets;

  SecretSubstitution(Map<String, byte[]> secrets) {
    this.secrets = secrets;
  }

  String apply(String text, String where) {
    if (text == null) {
      return null;
    }
    List<SecretReferences.Reference> refs = SecretReferences.in(text, secrets::containsKey);
    if (refs.isEmpty()) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (SecretReferences.Reference r : refs) {
      out.append(text, at, r.start()).append(value(r, where));
      at = r.end();
    }
    return out.append(text.substring(at)).toString();
  }

  private String value(SecretReferences.Reference r, String where) {
    byte[] value = secrets.get(r.secret());
    if (value == null) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, where + " names secret '" + r.secret()
          + "', which the CAS did not release", "define the secret in the session");
    }
    String format = r.format() == null ? "" : r.canonicalFormat();
    return switch (format) {
      case "hex" -> HexFormat.of().formatHex(value);
      case "base64" -> Base64.getEncoder().encodeToString(value);
      case "crt", "chain" -> blocks(text(r, value, where), "CERTIFICATE", r, where);
      case "key" -> blocks(text(r, value, where), "PRIVATE KEY", r, where);
      case "public" -> blocks(text(r, value, where), "PUBLIC", r, where);
      default -> text(r, value, where);
    };
  }

  private static String text(SecretReferences.Reference r, byte[] value, String where) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, where + " inserts secret '" + r.secret()
          + "' as text, but its value is binary", "write $$" + r.prefix() + "::" + r.secret() + ":hex$$ or :base64");
    }
  }

  private static String blocks(String pem, String type, SecretReferences.Reference r, String where) {
    List<String> found = new ArrayList<>();
    Matcher m = PEM_BLOCK.matcher(pem);
    while (m.find()) {
      String kind = m.group(1);
      boolean pgpPublic = kind.equals("PGP PUBLIC KEY BLOCK");
      if (kind.equals(type) || (type.equals("PRIVATE KEY") && (kind.endsWith("PRIVATE KEY") || kind.equals("PGP PRIVATE KEY BLOCK")))
          || (type.equals("PUBLIC") && (pgpPublic || kind.equals("CERTIFICATE")))) {
        found.add(m.group());
      }
    }
    if (found.isEmpty()) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, where + " asks for the " + type.toLowerCase(java.util.Locale.ROOT)
          + " of secret '" + r.secret() + "', which has none", "use a format that fits the secret's kind");
    }
    return String.join("", found);
  }
}
