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
   * (besides the hosts its creator registered with the CAS); {@code one_time_password_shared_secret}:
   * SCONE's, the base32 key of a TOTP authenticator (RFC 6238: HMAC-SHA1, 30 s, 6 digits) whose
   * current code whoever starts a service must give, each code once ({@link #oneTimePasswordKey}).
   */
  public record Attestation(
      String mode,
      List<String> tolerate,
      @JsonProperty("ignore_advisories")
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> ignoreAdvisories,
      @JsonProperty("sim_hosts") List<String> simHosts,
      @JsonProperty("one_time_password_shared_secret") String oneTimePasswordSharedSecret) {
    public static final String SIMULATION = "simulation";
    static final Attestation DEFAULT = new Attestation(null, null, null, null, null);
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

    /** Whether a run of this session's services needs the current one-time password. */
    public boolean needsOneTimePassword() {
      return oneTimePasswordSharedSecret != null;
    }

    @Override
    public String toString() {
      // the shared secret never reaches a log or a message
      return "Attestation[mode=" + mode + ", tolerate=" + tolerate + ", ignoreAdvisories=" + ignoreAdvisories
          + ", simHosts=" + simHosts + ", oneTimePassword=" + needsOneTimePassword() + "]";
    }

    /** RFC 4226's least key length. */
    static final int OTP_KEY_MIN_BYTES = 16;

    /**
     * The shared secret as RFC 4648 base32 with its padding, as authenticator apps write it without
     * (upper case, no spaces, '=' to a multiple of 8); null when it is not such a key of at least
     * {@value #OTP_KEY_MIN_BYTES} bytes, or when the session needs no one-time password.
     */
    public String oneTimePasswordKey() {
      if (oneTimePasswordSharedSecret == null) {
        return null;
      }
      String key = oneTimePasswordSharedSecret.replace(" ", "").toUpperCase(java.util.Locale.ROOT).replaceAll("=+$", "");
      int lastBits = key.length() % 8;
      if (!key.matches("[A-Z2-7]+") || lastBits == 1 || lastBits == 3 || lastBits == 6
          || key.length() * 5 / 8 < OTP_KEY_MIN_BYTES) {
        return null;
      }
      return key + "=".repeat((8 - lastBits) % 8);
    }

    public boolean tolerates(String weakness) {
      return tolerate.contains(weakness);
    }
  }
}
