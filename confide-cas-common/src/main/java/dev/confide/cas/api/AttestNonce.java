package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A fresh nonce (32 random bytes, hex) for one attestation attempt; single use, short-lived. It
 * names nothing else: what a service runs arrives only sealed, after evidence ({@link RunPlan}).
 */
public record AttestNonce(String nonce, @JsonProperty("expires_at") String expiresAt) {}
