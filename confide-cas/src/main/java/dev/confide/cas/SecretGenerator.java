package dev.confide.cas;

import dev.confide.cas.common.CasException;
import dev.confide.cas.common.Pem;
import dev.confide.policy.SecretSpec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes secret values inside the CAS: random ascii and binary strings, private keys (PEM PKCS#8),
 * and certificates (PEM certificate followed by its PEM private key), self-signed or issued by an
 * {@code x509-ca} secret of the same session. Also checks values a session gives.
 */
final class SecretGenerator {
  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private final SecureRandom random = new SecureRandom();
  private final PgpKeys pgpKeys = new PgpKeys(random);

  /**
   * The value of {@code spec}; {@code generated} holds the values already made for this session
   * (issuers and named private keys come first, see {@link SecretPlan}).
   */
  byte[] generate(SecretSpec spec, Map<String, byte[]> generated) {
    int size = spec.size() == null ? 32 : spec.size();
    return switch (spec.kind()) {
      case SecretSpec.ASCII -> {
        StringBuilder b = new StringBuilder(size);
        for (int i = 0; i < size; i++) {
          b.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        yield b.toString().getBytes(StandardCharsets.US_ASCII);
      }
      case SecretSpec.BINARY -> {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        yield bytes;
      }
      case SecretSpec.PRIVATE_KEY -> pem(keyPair(spec.algorithm()).getPrivate());
      case SecretSpec.X509, SecretSpec.X509_CA -> certificate(spec, generated);
      case SecretSpec.PGP_KEY -> pgpKeys.generate(spec, spec.validFor() == null ? null : validity(spec.validFor()));
      default -> throw new IllegalArgumentException("unknown kind " + spec.kind());
    };
  }

  /**
   * The bytes of a value the session gives, checked against its kind; {@code values} holds the
   * session's values made so far (a given certificate's private key and issuer come first).
   */
  static byte[] given(SecretSpec spec, Map<String, byte[]> values) {
    String value = spec.value();
    return switch (spec.kind()) {
      case SecretSpec.BINARY -> {
        try {
          yield Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
          throw CasException.badRequest("the value of binary secret '" + spec.name() + "' is not base64",
              "give binary values in base64");
        }
      }
      case SecretSpec.PRIVATE_KEY -> {
        try {
          Pem.readPrivateKey(value.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          throw CasException.badRequest("the value of private-key secret '" + spec.name()
              + "' is not a PEM private key", "give a PKCS#8 PEM key ('-----BEGIN PRIVATE KEY-----')");
        }
        yield value.getBytes(StandardCharsets.US_ASCII);
      }
      case SecretSpec.X509, SecretSpec.X509_CA -> givenCertificate(spec, values);
      default -> value.getBytes(StandardCharsets.UTF_8);
    };
  }

  /**
   * A certificate the session gives: its certificates, then its issuer's (when it names one, whose
   * certificate must have signed it), then the key of {@code private_key} (which it must certify).
   */
  private static byte[] givenCertificate(SecretSpec spec, Map<String, byte[]> values) {
    try {
      var certificates = java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificates(new java.io.ByteArrayInputStream(spec.value().getBytes(StandardCharsets.US_ASCII)));
      X509Certificate first = (X509Certificate) certificates.iterator().next();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (var c : certificates) {
        out.write(Pem.certificate((X509Certificate) c));
      }
      if (spec.issuer() != null) {
        byte[] issuerValue = values.get(spec.issuer());
        try {
          first.verify(Pem.readCertificate(issuerValue).getPublicKey());
        } catch (GeneralSecurityException e) {
          throw CasException.badRequest("certificate '" + spec.name() + "' is not signed by its issuer '" + spec.issuer()
              + "''s certificate", "name the x509-ca whose certificate signed it, or remove 'issuer'");
        }
        out.write(PublicParts.of(issuerValue));
      }
      if (spec.privateKey() != null) {
        byte[] keyValue = values.get(spec.privateKey());
        PublicKey certified = publicKeyOf(Pem.readPrivateKey(keyValue));
        if (!java.util.Arrays.equals(certified.getEncoded(), first.getPublicKey().getEncoded())) {
          throw CasException.badRequest("certificate '" + spec.name() + "' does not certify the key of private_key '"
              + spec.privateKey() + "'", "name the private-key secret whose key the certificate holds");
        }
        out.write(keyValue);
      }
      return out.toByteArray();
    } catch (java.security.cert.CertificateException | java.util.NoSuchElementException | IOException e) {
      throw CasException.badRequest("the value of certificate '" + spec.name() + "' is not PEM X.509 certificates",
          "give '-----BEGIN CERTIFICATE-----' blocks, the certificate first");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the key of certificate '" + spec.name() + "'", e);
    }
  }

  private KeyPair keyPair(String algorithm) {
    String alg = algorithm == null ? "P-256" : algorithm;
    try {
      KeyPairGenerator gen;
      switch (alg) {
        case "P-256", "P-384" -> {
          gen = KeyPairGenerator.getInstance("EC");
          gen.initialize(new ECGenParameterSpec(alg.equals("P-256") ? "secp256r1" : "secp384r1"), random);
        }
        case "Ed25519" -> gen = KeyPairGenerator.getInstance("Ed25519");
        default -> {
          gen = KeyPairGenerator.getInstance("RSA");
          gen.initialize(Integer.parseInt(alg.substring("RSA-".length())), random);
        }
      }
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + alg + " key", e);
    }
  }

  private byte[] certificate(SecretSpec spec, Map<String, byte[]> generated) {
    try {
      KeyPair pair;
      if (spec.privateKey() != null) {
        PrivateKey key = Pem.readPrivateKey(generated.get(spec.privateKey()));
        pair = new KeyPair(publicKeyOf(key), key);
      } else {
        pair = keyPair(spec.algorithm());
      }
      String cn = spec.commonName() == null ? spec.name() : spec.commonName();
      X500Name subject = new X500Name("CN=" + cn.replaceAll("[,=+<>#;\"\\\\]", "_"));
      X500Name issuerName = subject;
      PrivateKey signer = pair.getPrivate();
      if (spec.issuer() != null) {
        byte[] issuerValue = generated.get(spec.issuer());
        X509Certificate issuerCert = Pem.readCertificate(issuerValue);
        issuerName = X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
        signer = Pem.readPrivateKey(issuerValue);
      }
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(128, random),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity(spec.validFor()))), subject,
          pair.getPublic());
      boolean ca = spec.kind().equals(SecretSpec.X509_CA);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
          ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
          : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (spec.endpoint() != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
            spec.endpoint().equals("server") ? org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth
                : org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth));
      }
      if (!spec.san().isEmpty()) {
        GeneralName[] names = spec.san().stream()
            .map(n -> n.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n))
            .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(signatureAlgorithm(signer)).build(signer));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
      byte[] certPem = pem(cert);
      byte[] keyPem = pem(pair.getPrivate());
      byte[] both = new byte[certPem.length + keyPem.length];
      System.arraycopy(certPem, 0, both, 0, certPem.length);
      System.arraycopy(keyPem, 0, both, certPem.length, keyPem.length);
      return both;
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot issue certificate '" + spec.name() + "'", e);
    }
  }

  private static Duration validity(String validFor) {
    if (validFor == null) {
      return Duration.ofDays(90);
    }
    long n = Long.parseLong(validFor.substring(0, validFor.length() - 1));
    return switch (validFor.charAt(validFor.length() - 1)) {
      case 'd' -> Duration.ofDays(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> ((ECPrivateKey) key).getParams().getCurve().getField().getFieldSize() > 256
          ? "SHA384withECDSA" : "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> "SHA256withRSA";
    };
  }

  private static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException, IOException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    // EC and EdDSA: BouncyCastle derives the public key from the private key's encoding
    var info = PrivateKeyInfo.getInstance(key.getEncoded());
    var converter = new JcaPEMKeyConverter();
    var bcKey = org.bouncycastle.crypto.util.PrivateKeyFactory.createKey(info);
    var bcPublic = switch (bcKey) {
      case org.bouncycastle.crypto.params.ECPrivateKeyParameters ec -> new org.bouncycastle.crypto.params.ECPublicKeyParameters(
          ec.getParameters().getG().multiply(ec.getD()).normalize(), ec.getParameters());
      case org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters ed -> ed.generatePublicKey();
      default -> throw new GeneralSecurityException("unsupported key " + key.getAlgorithm());
    };
    var spki = org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(bcPublic);
    return converter.getPublicKey(spki);
  }

  private static byte[] pem(Object value) {
    return value instanceof PrivateKey k ? Pem.privateKey(k) : Pem.certificate((X509Certificate) value);
  }
}
