package dev.confide.attest;

import dev.confide.attest.AttestationException.Reason;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * AMD SEV-SNP evidence: the report the guest's firmware signed (1184 bytes) and the certificates the
 * host supplied with it (the VCEK or VLEK, DER; may be none: the CAS's collateral has them). Its
 * report data is the 32 bytes of {@link ReportData} followed by the 32 bytes of the Confide
 * measurement: the hardware signs both. Wire form: base64 fields joined by '.': the report, then
 * each certificate.
 */
public record SnpEvidence(byte[] report, List<byte[]> certificates) implements Evidence {
  public static final String PLATFORM = "snp";
  private static final int MAX_CERTIFICATES = 8;

  public SnpEvidence {
    report = report.clone();
    certificates = certificates.stream().map(byte[]::clone).toList();
  }

  @Override
  public String platform() {
    return PLATFORM;
  }

  @Override
  public String encode() {
    StringBuilder out = new StringBuilder(Base64.getEncoder().encodeToString(report));
    certificates.forEach(c -> out.append('.').append(Base64.getEncoder().encodeToString(c)));
    return out.toString();
  }

  static SnpEvidence decode(String text) throws AttestationException {
    String[] parts = text.split("\\.", -1);
    if (parts.length < 1 || parts.length > 1 + MAX_CERTIFICATES) {
      throw new AttestationException(Reason.MALFORMED, "the snp evidence has " + (parts.length - 1) + " certificates (at most "
          + MAX_CERTIFICATES + ")", "send the report and the host's VCEK or VLEK");
    }
    try {
      List<byte[]> certs = new ArrayList<>();
      for (int i = 1; i < parts.length; i++) {
        certs.add(Base64.getDecoder().decode(parts[i]));
      }
      return new SnpEvidence(Base64.getDecoder().decode(parts[0]), certs);
    } catch (IllegalArgumentException e) {
      throw new AttestationException(Reason.MALFORMED, "the snp evidence is not base64", "send what the runtime produces");
    }
  }

  /** The report data a Confide runtime asks the firmware for: {@code reportData} (64 hex) then {@code measurement} (64 hex). */
  public static byte[] reportData(String reportData, String measurement) {
    return java.util.HexFormat.of().parseHex(reportData + measurement);
  }
}
