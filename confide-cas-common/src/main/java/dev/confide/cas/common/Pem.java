package dev.confide.cas.common;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM text (RFC 7468): private keys always as PKCS#8 "PRIVATE KEY", certificates as "CERTIFICATE". */
public final class Pem {
  private Pem() {}

  public static byte[] privateKey(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  public static byte[] certificate(X509Certificate certificate) {
    try {
      return block("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate always encodes", e);
    }
  }

  private static byte[] block(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The first private key in {@code text} (PKCS#8, or the older SEC1/PKCS#1 forms). */
  public static PrivateKey readPrivateKey(byte[] text) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(new String(text, StandardCharsets.US_ASCII)))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PrivateKeyInfo info) {
          return new JcaPEMKeyConverter().getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
        }
      }
    }
    throw new IOException("no private key in the PEM text");
  }

  /** The first certificate in {@code text}. */
  public static X509Certificate readCertificate(byte[] text) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(new String(text, StandardCharsets.US_ASCII)))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          return new JcaX509CertificateConverter().getCertificate(holder);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("malformed certificate", e);
    }
    throw new IOException("no certificate in the PEM text");
  }
}
