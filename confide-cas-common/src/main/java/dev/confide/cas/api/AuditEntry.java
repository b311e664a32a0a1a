package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One audit log entry. {@code hash} is SHA-256 over the entry's canonical form (every field but
 * {@code hash} and {@code signature}), which includes {@code prev_hash}; {@code signature} is the
 * CAS audit key's Ed25519 signature over that canonical form (docs/cas-api.md, "Audit log").
 */
public record AuditEntry(
    long seq,
    String at,
    String kind,
    String principal,
    String subject,
    String detail,
    @JsonProperty("prev_hash") String prevHash,
    String hash,
    String signature) {}
