package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Compare-and-swap of a volume's tag; {@code oldTag} is {@code null} for a volume's first commit. */
public record TagSwap(@JsonProperty("old_tag") String oldTag, @JsonProperty("new_tag") String newTag) {}
