package dev.confide.attest;

/**
 * Where a runtime's evidence comes from: one implementation per platform ({@code sim} today; SEV-SNP
 * and TDX through configfs-tsm later). The runtime is handed one; nothing else names a platform.
 */
public interface EvidenceProvider {
  /** The platform's name on the wire ({@code sim}, ...). */
  String platform();

  /** Whether the evidence is simulated: it then protects nothing against the host's root, and every run says so. */
  boolean simulated();

  /** Evidence that {@code measurement} (64 hex digits) runs, bound to {@code reportData}. */
  Evidence produce(String measurement, String reportData) throws AttestationException;
}
