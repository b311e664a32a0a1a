package dev.confide.attest;

/** Produces {@code sim} evidence with the host key. */
public final class SimEvidenceProvider implements EvidenceProvider {
  /** The platform's name on the wire. */
  public static final String PLATFORM = "sim";

  private final HostKey hostKey;

  public SimEvidenceProvider(HostKey hostKey) {
    this.hostKey = hostKey;
  }

  public SimEvidence produce(Measurement measurement, String reportData) {
    return produce(measurement.value(), reportData);
  }

  @Override
  public String platform() {
    return PLATFORM;
  }

  @Override
  public boolean simulated() {
    return true;
  }

  /** Evidence claiming {@code measurement} (64 hex digits). */
  @Override
  public SimEvidence produce(String measurement, String reportData) {
    byte[] claims = SimEvidence.claims(measurement, reportData);
    return new SimEvidence(claims, hostKey.sign(claims), hostKey.publicKey());
  }
}
