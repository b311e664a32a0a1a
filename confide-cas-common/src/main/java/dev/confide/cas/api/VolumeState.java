package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.confide.volume.Tag;

/**
 * A volume's public facts: its update policy, current tag ({@code null} before its first commit or
 * for ephemeral volumes) and how many commits it has seen.
 */
public record VolumeState(
    String session,
    String volume,
    @JsonProperty("update_policy") String updatePolicy,
    Tag tag,
    long generation) {}
