package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A runtime's request for its configuration: which session and service, the nonce it was given,
 * its evidence (wire form of its platform), its ephemeral public key (a Tink HPKE public keyset,
 * base64) to which the configuration is sealed, and its run signing key (Ed25519, X.509
 * SubjectPublicKeyInfo, base64) that must sign every use of the run token; {@code otp}: the code
 * of the session's authenticator whoever started the run gave, for a session that needs one
 * (absent otherwise; read only by the attestation, not the plan); {@code access_token}: the session's
 * service access token, for a session that needs one (absent otherwise; likewise).
 */
public record AttestRequest(
    String session,
    String service,
    String nonce,
    String platform,
    String evidence,
    @JsonProperty("runtime_key") String runtimeKey,
    @JsonProperty("run_key") String runKey,
    String otp,
    @JsonProperty("access_token") String accessToken) {

  /** A request without a one-time password or access token. */
  public AttestRequest(String session, String service, String nonce, String platform, String evidence, String runtimeKey,
      String runKey) {
    this(session, service, nonce, platform, evidence, runtimeKey, runKey, null, null);
  }

  @Override
  public String toString() {
    return "AttestRequest[session=" + session + ", service=" + service + ", platform=" + platform + ", otp="
        + (otp == null ? "none" : "given")
        + ", accessToken=" + (accessToken == null ? "none" : "given") + "]";
  }
}
