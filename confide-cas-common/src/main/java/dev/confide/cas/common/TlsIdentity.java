package dev.confide.cas.common;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A P-256 key pair and its self-signed certificate, kept as two PEM files ({@code key.pem} 0600,
 * {@code cert.pem}). The CAS's server identity and each user's client identity are both one.
 */
public final class TlsIdentity {
  private static final String KEY_FILE = "key.pem";
  private static final String CERT_FILE = "cert.pem";

  private final PrivateKey privateKey;
  private final X509Certificate certificate;

  private TlsIdentity(PrivateKey privateKey, X509Certificate certificate) {
    this.privateKey = privateKey;
    this.certificate = certificate;
  }

  /** Whether {@code dir} holds an identity. */
  public static boolean existsIn(Path dir) {
    return Files.exists(dir.resolve(KEY_FILE)) && Files.exists(dir.resolve(CERT_FILE));
  }

  /** A new identity with {@code commonName} and, for servers, DNS/IP names; written to {@code dir} (0700). */
  public static TlsIdentity create(Path dir, String commonName, String... subjectAltNames) throws IOException {
    TlsIdentity made = ephemeral(commonName, subjectAltNames);
    PrivateFiles.directory(dir);
    PrivateFiles.write(dir.resolve(KEY_FILE), Pem.privateKey(made.privateKey));
    PrivateFiles.write(dir.resolve(CERT_FILE), Pem.certificate(made.certificate));
    return made;
  }

  /** A new identity kept in memory only (a runtime's warm-up handshake with itself). */
  public static TlsIdentity ephemeral(String commonName, String... subjectAltNames) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = gen.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + commonName.replaceAll("[,=+<>#;\"\\\\]", "_"));
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(128, new SecureRandom()),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(3650))), subject,
          pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      if (subjectAltNames.length > 0) {
        GeneralName[] names = new GeneralName[subjectAltNames.length];
        for (int i = 0; i < names.length; i++) {
          String n = subjectAltNames[i];
          names[i] = n.matches("[0-9.]+|.*:.*") ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n);
        }
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
      return new TlsIdentity(pair.getPrivate(), cert);
    } catch (GeneralSecurityException | OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("cannot create a P-256 certificate", e);
    }
  }

  /** Loads the identity in {@code dir}; the key file must be owner-only. */
  public static TlsIdentity load(Path dir) throws IOException {
    byte[] keyPem = PrivateFiles.read(dir.resolve(KEY_FILE));
    byte[] certPem = Files.readAllBytes(dir.resolve(CERT_FILE));
    try {
      return new TlsIdentity(Pem.readPrivateKey(keyPem), Pem.readCertificate(certPem));
    } catch (IOException e) {
      throw new IOException("malformed key or certificate in " + dir + ": " + e.getMessage(), e);
    }
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String fingerprint() {
    return KeyDigests.fingerprint(certificate.getPublicKey());
  }

  public String keyHash() {
    return KeyDigests.keyHash(certificate.getPublicKey());
  }

  /** A TLS 1.3 context presenting {@code identity} (none when null) and trusting what {@code trust} accepts. */
  public static javax.net.ssl.SSLContext tls13(TlsIdentity identity, javax.net.ssl.TrustManager trust) {
    try {
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
      context.init(identity == null ? null : identity.keyManagers(), new javax.net.ssl.TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS 1.3 is not available", e);
    }
  }

  /** Key managers presenting this identity in a TLS handshake. */
  public KeyManager[] keyManagers() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] transientPassword = new char[0];
      store.setKeyEntry("identity", privateKey, transientPassword, new X509Certificate[] {certificate});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(store, transientPassword);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build key managers", e);
    }
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + fingerprint() + "]";
  }
}
