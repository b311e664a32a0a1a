package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A host whose simulated evidence a principal vouches for: {@code keyHash} is the SHA-256 (hex) of
 * the host's Ed25519 key ({@code confide host init} prints it). The CAS counts such evidence for the
 * sessions that principal created.
 */
public record SimHost(@JsonProperty("key_hash") String keyHash, @JsonProperty("registered_by") String registeredBy,
    @JsonProperty("registered_at") String registeredAt) {}
