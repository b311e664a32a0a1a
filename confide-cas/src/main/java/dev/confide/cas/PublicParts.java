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
 * The public part of a stored certificate secret (PEM certificates followed by the private key,
 * as {@link SecretGenerator} makes them): its certificates alone, re-encoded, every other block
 * (the key) left out.
 */
final class PublicParts {
  private PublicParts() {}

  static byte[] certificates(byte[] pem) {
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
