package dev.confide.attest;

/** Evidence of what runs where; one record per platform. */
public sealed interface Evidence permits SimEvidence {
  /** {@code sim} (later {@code sev-snp}, {@code tdx}). */
  String platform();
}
