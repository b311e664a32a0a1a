package dev.confide.cas;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The public part of a stored secret that has one: a certificate secret's certificates (PEM
 * certificates followed by the private key, as {@link SecretGenerator} makes them; re-encoded,
 * every other block left out), or a pgp-key's armored public key ({@link PgpKeys}; its secret
 * key left out).
 */
final class PublicParts {
  private static final java.util.regex.Pattern PGP_PUBLIC = java.util.regex.Pattern.compile(
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\\r?\\n.*?-----END PGP PUBLIC KEY BLOCK-----\\r?\\n?", java.util.regex.Pattern.DOTALL);

  private PublicParts() {}

  static byte[] of(byte[] stored) {
    String text = new String(stored, StandardCharsets.US_ASCII);
    if (text.startsWith("-----BEGIN PGP ")) {
      java.util.regex.Matcher m = PGP_PUBLIC.matcher(text);
      if (!m.find()) {
        throw new dev.confide.cas.common.CasException(500, "integrity", "a stored pgp-key holds no public key",
            "restore the database from a backup");
      }
      return m.group().getBytes(StandardCharsets.US_ASCII);
    }
    return certificates(stored);
  }

  private static byte[] certificates(byte[] pem) {
    StringWriter out = new StringWriter();
    try (PemReader in = new PemReader(new InputStreamReader(new java.io.ByteArrayInputStream(pem), StandardCharsets.US_ASCII));
         PemWriter writer = new PemWriter(out)) {
      for (PemObject o; (o = in.readPemObject()) != null; ) {
        if (o.getType().equals("CERTIFICATE")) {
          writer.writeObject(o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("a stored certificate is not PEM", e);
    }
    String certificates = out.toString();
    if (certificates.isEmpty()) {
      throw new dev.confide.cas.common.CasException(500, "integrity", "a stored certificate secret holds no certificate",
          "restore the database from a backup");
    }
    return certificates.getBytes(StandardCharsets.US_ASCII);
  }
}
