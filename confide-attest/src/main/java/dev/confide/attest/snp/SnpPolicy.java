package dev.confide.attest.snp;

import java.util.Set;

/**
 * What a session accepts of an SEV-SNP guest: its launch measurements (96 hex digits; null: any),
 * the report data the verifier computed (hex, compared with the start of the report's 64 bytes: a
 * CAS checks the 32 bytes that bind its nonce, the rest carry the Confide measurement; null: any), the VMPL the report must come from, the minimum TCB (null: none), and the
 * weaknesses it tolerates: {@code debug-mode} (the hypervisor may read and change the guest) and
 * {@code outdated-tcb} (a reported TCB below the minimum).
 */
public record SnpPolicy(Set<String> measurements, String reportData, int vmpl, SnpTcb minimumTcb, Set<String> tolerate) {
  public static final String DEBUG_MODE = "debug-mode";
  public static final String OUTDATED_TCB = "outdated-tcb";

  public SnpPolicy {
    measurements = measurements == null ? null : Set.copyOf(measurements);
    tolerate = tolerate == null ? Set.of() : Set.copyOf(tolerate);
  }
}
