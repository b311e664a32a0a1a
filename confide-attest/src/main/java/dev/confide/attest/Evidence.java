package dev.confide.attest;

/** Evidence of what runs where; one record per platform. */
public sealed interface Evidence permits SimEvidence, SnpEvidence, TdxEvidence {
  /** {@code sim}, {@code snp}, {@code tdx}. */
  String platform();

  /** The wire form. */
  String encode();

  /** Evidence of {@code platform} from its wire form; a platform this version does not know is malformed evidence. */
  static Evidence decode(String platform, String text) throws AttestationException {
    if (SimEvidenceProvider.PLATFORM.equals(platform)) {
      return SimEvidence.decode(text);
    }
    if (SnpEvidence.PLATFORM.equals(platform)) {
      return SnpEvidence.decode(text);
    }
    if (TdxEvidence.PLATFORM.equals(platform)) {
      return TdxEvidence.decode(text);
    }
    throw new AttestationException(AttestationException.Reason.MALFORMED, "evidence of platform '" + platform
        + "' is not one this version verifies (" + SimEvidenceProvider.PLATFORM + ", " + SnpEvidence.PLATFORM + ", "
        + TdxEvidence.PLATFORM + ")", "attest with a supported platform");
  }
}
