package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** What evidence the CAS accepts for this session's services. */
public record Security(Attestation attestation) {
  static final Security DEFAULT = new Security(null);

  public Security {
    attestation = attestation == null ? Attestation.DEFAULT : attestation;
  }

  /**
   * {@code mode}: {@code hardware} (default) or {@code none}; {@code tolerate}: weaknesses the
   * session accepts, {@code simulation} among them; {@code ignore_advisories}: advisory ids or
   * {@code *}; {@code sim_hosts}: key hashes of hosts whose simulated evidence this session accepts
   * (besides the hosts its creator registered with the CAS).
   */
  public record Attestation(
      String mode,
      List<String> tolerate,
      @JsonProperty("ignore_advisories")
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> ignoreAdvisories,
      @JsonProperty("sim_hosts") List<String> simHosts) {
    public static final String SIMULATION = "simulation";
    static final Attestation DEFAULT = new Attestation(null, null, null, null);
    static final List<String> MODES = List.of("hardware", "none");
    /**
     * The weaknesses a session may tolerate: SCONE's list and {@code simulation}. {@code hyperthreading},
     * {@code insecure-igpu} and {@code aepic-leak} concern Intel SGX platforms: kept, and without
     * effect on SEV-SNP, TDX or simulated evidence.
     */
    static final List<String> TOLERATIONS = List.of(SIMULATION, "debug-mode", "outdated-tcb",
        "hyperthreading", "insecure-igpu", "software-hardening-needed", "insecure-configuration", "aepic-leak");

    public Attestation {
      mode = mode == null ? "hardware" : mode;
      tolerate = tolerate == null ? List.of() : List.copyOf(tolerate);
      ignoreAdvisories = ignoreAdvisories == null ? List.of() : List.copyOf(ignoreAdvisories);
      simHosts = simHosts == null ? List.of() : List.copyOf(simHosts);
    }

    public boolean tolerates(String weakness) {
      return tolerate.contains(weakness);
    }
  }
}
