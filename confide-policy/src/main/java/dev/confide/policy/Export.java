package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Permission for another session to import a secret or volume; pinned when {@code sessionHash}
 * is given, so it stops working as soon as the importing session changes.
 */
public record Export(String session, @JsonProperty("session_hash") String sessionHash) {}
