package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a reader sees of a session: its canonical document (secret values appear only as their
 * SHA-256 when they were given in the file), and which secrets and volumes exist, never their values.
 */
public record SessionView(
    String name,
    String hash,
    String predecessor,
    String creator,
    @JsonProperty("updated_at") String updatedAt,
    JsonNode session,
    List<SecretInfo> secrets,
    List<VolumeState> volumes) {

  /** A secret's public facts. */
  public record SecretInfo(String name, String kind, String origin) {}
}
