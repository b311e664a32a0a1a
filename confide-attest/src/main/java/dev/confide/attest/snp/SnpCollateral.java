package dev.confide.attest.snp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The VCEKs and VLEKs an operator fetched from AMD's Key Distribution Service into a folder
 * ({@code confide cas collateral import DIR}): every file there that holds certificates, DER or PEM.
 * The verifier never reaches the network; what is not here is refused with the KDS address to
 * fetch it from.
 */
public final class SnpCollateral {
  private final List<VekCertificate> keys;

  private SnpCollateral(List<VekCertificate> keys) {
    this.keys = List.copyOf(keys);
  }

  public static SnpCollateral of(List<X509Certificate> certificates) {
    List<VekCertificate> keys = new ArrayList<>();
    certificates.forEach(c -> VekCertificate.of(c).ifPresent(keys::add));
    return new SnpCollateral(keys);
  }

  /** The certificates in the files of {@code dir} (not its subfolders); files that hold none are skipped. */
  public static SnpCollateral load(Path dir) throws IOException {
    List<X509Certificate> certs = new ArrayList<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
          certs.addAll(certificates(f));
        }
      }
    }
    return of(certs);
  }

  /** The certificates {@code file} holds, DER or PEM; none when it holds something else. */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(c -> (X509Certificate) c).toList();
    } catch (CertificateException | RuntimeException notCertificates) {
      return List.of();
    }
  }

  public List<VekCertificate> keys() {
    return keys;
  }
}
