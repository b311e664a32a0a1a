package dev.confide.attest;

/** Produces {@code sim} evidence with the host key. */
public final class SimEvidenceProvider {
  private final HostKey hostKey;

  public SimEvidenceProvider(HostKey hostKey) {
    this.hostKey = hostKey;
  }

  public SimEvidence produce(Measurement measurement, String reportData) {
    byte[] claims = SimEvidence.claims(measurement.value(), reportData);
    return new SimEvidence(claims, hostKey.sign(claims), hostKey.publicKey());
  }
}
