package dev.confide.attest;

import dev.confide.attest.AttestationException.Reason;
import java.util.Base64;

/**
 * Intel TDX evidence: the quote the guest's quote service produced, which carries its own PCK
 * certificate chain. Its report data is laid out as SEV-SNP's ({@link SnpEvidence}): the 32 bytes
 * of {@link ReportData}, then the 32 bytes of the Confide measurement. Wire form: the quote, base64.
 */
public record TdxEvidence(byte[] quote) implements Evidence {
  public static final String PLATFORM = "tdx";
  private static final int MAX_BYTES = 64 * 1024;

  public TdxEvidence {
    quote = quote.clone();
  }

  @Override
  public String platform() {
    return PLATFORM;
  }

  @Override
  public String encode() {
    return Base64.getEncoder().encodeToString(quote);
  }

  static TdxEvidence decode(String text) throws AttestationException {
    if (text.length() > MAX_BYTES * 4 / 3 + 4) {
      throw new AttestationException(Reason.MALFORMED, "the tdx evidence is longer than a quote (" + MAX_BYTES + " bytes)",
          "send the quote the guest produced");
    }
    try {
      return new TdxEvidence(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      throw new AttestationException(Reason.MALFORMED, "the tdx evidence is not base64", "send what the runtime produces");
    }
  }
}
