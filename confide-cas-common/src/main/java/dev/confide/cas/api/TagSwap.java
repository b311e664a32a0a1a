package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.confide.volume.Tag;

/** Compare-and-swap of a volume's tag; {@code oldTag} is {@code null} for a volume's first commit. */
public record TagSwap(@JsonProperty("old_tag") Tag oldTag, @JsonProperty("new_tag") Tag newTag) {}
