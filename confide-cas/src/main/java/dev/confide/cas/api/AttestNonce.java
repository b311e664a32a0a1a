package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A fresh nonce (32 random bytes, hex) for one attestation attempt; single use, short-lived. Asked
 * for a session's service, it also names what the runtime must measure: the executable the
 * service's command starts and the PATH it is looked up in (neither is secret; the rest of the
 * command, its environment and everything else arrive only sealed, after attestation).
 */
public record AttestNonce(
    String nonce,
    @JsonProperty("expires_at") String expiresAt,
    String executable,
    String path) {
  public AttestNonce(String nonce, String expiresAt) {
    this(nonce, expiresAt, null, null);
  }
}
