package dev.confide.attest.snp;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An AMD EPYC product line that signs SEV-SNP reports, with its pinned certificate authorities
 * (resources {@code snp/<line>.pem}: ASK, ARK, ASVK, the ARK's fingerprint checked here) and the
 * layout of its TCB version: Milan and Genoa put the boot loader in byte 0, TEE in 1, SNP in 6 and
 * microcode in 7; Turin puts FMC in 0, boot loader in 1, TEE in 2, SNP in 3 and microcode in 7.
 */
public enum SnpProduct {
  MILAN("Milan", "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd"),
  GENOA("Genoa", "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1"),
  TURIN("Turin", "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a");

  private final String title;
  private final String arkSha256;
  private volatile Authorities authorities;

  SnpProduct(String title, String arkSha256) {
    this.title = title;
    this.arkSha256 = arkSha256;
  }

  /** The name AMD's KDS uses ({@code Milan}). */
  public String title() {
    return title;
  }

  /** The AMD root key, the AMD SEV key (signs VCEKs) and the AMD SEV VLEK key (signs VLEKs). */
  public record Authorities(X509Certificate ark, X509Certificate ask, X509Certificate asvk) {}

  /** This line's pinned authorities. */
  public Authorities authorities() {
    Authorities a = authorities;
    if (a == null) {
      a = load();
      authorities = a;
    }
    return a;
  }

  private Authorities load() {
    String resource = title.toLowerCase(Locale.ROOT) + ".pem";
    try (InputStream in = SnpProduct.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the AMD authorities of " + title + " are missing from this build (" + resource + ")");
      }
      List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(c -> (X509Certificate) c).toList();
      X509Certificate ark = certs.get(1);
      String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ark.getEncoded()));
      if (!fingerprint.equals(arkSha256)) {
        throw new IllegalStateException("the pinned ARK of " + title + " in this build is not AMD's (sha256 " + fingerprint + ")");
      }
      return new Authorities(ark, certs.get(0), certs.get(2));
    } catch (IOException | CertificateException | NoSuchAlgorithmException | IndexOutOfBoundsException e) {
      throw new IllegalStateException("cannot load the AMD authorities of " + title + ": " + e.getMessage(), e);
    }
  }

  /** The line a VEK certificate's product name ({@code Milan-B0}, {@code Genoa}) names. */
  public static Optional<SnpProduct> ofProductName(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String base = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
    for (SnpProduct p : values()) {
      if (p.title.equalsIgnoreCase(base)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The line a report's CPUID family and model (report version 3 and later) name: family 0x19
   * models 0x00–0x0F Milan, 0x10–0x1F and 0xA0–0xAF Genoa; family 0x1A models 0x00–0x11 Turin.
   */
  public static Optional<SnpProduct> ofCpuid(int family, int model) {
    if (family == 0x19 && model <= 0x0F) {
      return Optional.of(MILAN);
    }
    if (family == 0x19 && (model >= 0x10 && model <= 0x1F || model >= 0xA0 && model <= 0xAF)) {
      return Optional.of(GENOA);
    }
    if (family == 0x1A && model <= 0x11) {
      return Optional.of(TURIN);
    }
    return Optional.empty();
  }

  /** The TCB version {@code raw} (the report's little-endian u64) in this line's layout. */
  public SnpTcb tcb(long raw) {
    int[] b = new int[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (int) (raw >>> (8 * i)) & 0xFF;
    }
    return this == TURIN ? new SnpTcb(b[0], b[1], b[2], b[3], b[7], raw) : new SnpTcb(-1, b[0], b[1], b[6], b[7], raw);
  }

  /** SHA-256 of a certificate's DER, as hex: how a CAS names the VEK that signed a report. */
  public static String fingerprintOf(X509Certificate c) {
    return fingerprint(c);
  }

  /** SHA-256 of a certificate's DER. */
  static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }
}
