package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What evidence the CAS accepts for this session's services, and who may start them.
 * {@code singleton_enclaves} (SCONE's): at most one run of each service at a time; the CAS refuses
 * to attest a second while the first one's run token lives. {@code service_access_token} (SCONE's):
 * a token whoever starts a service must give; the canonical form keeps only its SHA-256
 * ({@link #serviceAccessTokenDigest}), so readers of the session do not learn it, and a document may
 * give that form itself ({@code sha256:} and 64 hex digits).
 */
public record Security(
    Attestation attestation,
    @JsonProperty("singleton_enclaves") Boolean singletonEnclaves,
    @JsonProperty("service_access_token") String serviceAccessToken) {
  static final Security DEFAULT = new Security(null, null, null);
  /** How a digest-only token is written. */
  public static final String TOKEN_DIGEST_PREFIX = "sha256:";
  /** The shortest token accepted: guessing it must be out of reach. */
  static final int TOKEN_MIN_CHARS = 16;

  public Security {
    attestation = attestation == null ? Attestation.DEFAULT : attestation;
  }

  /** Whether the CAS lets only one run of each service of the session live at a time. */
  public boolean singleton() {
    return singletonEnclaves != null && singletonEnclaves;
  }

  /** Whether whoever starts a service must give the session's service access token. */
  public boolean needsServiceAccessToken() {
    return serviceAccessToken != null;
  }

  /**
   * The SHA-256 of the service access token: from its {@code sha256:} form, or of the token itself
   * (UTF-8); null when the session has none or it is neither a token of at least
   * {@value #TOKEN_MIN_CHARS} characters nor a digest.
   */
  public byte[] serviceAccessTokenDigest() {
    if (serviceAccessToken == null) {
      return null;
    }
    if (serviceAccessToken.startsWith(TOKEN_DIGEST_PREFIX)) {
      String hex = serviceAccessToken.substring(TOKEN_DIGEST_PREFIX.length());
      return hex.matches("[0-9a-f]{64}") ? java.util.HexFormat.of().parseHex(hex) : null;
    }
    if (serviceAccessToken.length() < TOKEN_MIN_CHARS || serviceAccessToken.contains("$$") || serviceAccessToken.isBlank()) {
      return null;
    }
    return SessionHash.sha256Bytes(serviceAccessToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Whether {@code given} is the session's service access token: digests compared in constant time. */
  public boolean admitsServiceAccessToken(String given) {
    byte[] want = serviceAccessTokenDigest();
    return want != null && given != null
        && java.security.MessageDigest.isEqual(want, SessionHash.sha256Bytes(given.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    // the token never reaches a log or a message
    return "Security[attestation=" + attestation + ", singletonEnclaves=" + singleton() + ", serviceAccessToken="
        + needsServiceAccessToken() + "]";
  }

  /**
   * {@code mode}: {@code hardware} (default) or {@code none}; {@code tolerate}: weaknesses the
   * session accepts, {@code simulation} among them; {@code ignore_advisories}: advisory ids or
   * {@code *}; {@code sim_hosts}: key hashes of hosts whose simulated evidence this session accepts
   * (besides the hosts its creator registered with the CAS); {@code one_time_password_shared_secret}:
   * SCONE's, the base32 key of a TOTP authenticator (RFC 6238: HMAC-SHA1, 30 s, 6 digits) whose
   * current code whoever starts a service must give, each code once ({@link #oneTimePasswordKey});
   * {@code trusted_scone_qe_pubkeys}: SCONE's, the keys of SCONE quoting enclaves whose SGX quotes
   * the session trusts: kept for SGX, without effect on SEV-SNP, TDX or simulated evidence.
   */
  public record Attestation(
      String mode,
      List<String> tolerate,
      @JsonProperty("ignore_advisories")
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> ignoreAdvisories,
      @JsonProperty("sim_hosts") List<String> simHosts,
      @JsonProperty("one_time_password_shared_secret") String oneTimePasswordSharedSecret,
      @JsonProperty("trusted_scone_qe_pubkeys")
      @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> trustedSconeQePubkeys) {
    public static final String SIMULATION = "simulation";
    static final Attestation DEFAULT = new Attestation(null, null, null, null, null, null);
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
      // absent stays absent: documents without it keep the hash they had
      trustedSconeQePubkeys = trustedSconeQePubkeys == null || trustedSconeQePubkeys.isEmpty() ? null
          : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(trustedSconeQePubkeys));
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
