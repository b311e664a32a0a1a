package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A volume the session owns (its key and tag live in the CAS) or imports from another session. */
public record VolumeSpec(
    String name,
    @JsonProperty("update_policy") String updatePolicy,
    List<Export> export,
    @JsonProperty("import") VolumeImport importFrom) {
  public static final String ROLLBACK_PROTECTED = "rollback_protected";
  public static final String EPHEMERAL = "ephemeral";
  public static final String NO_ROLLBACK_PROTECTION = "no_rollback_protection";
  static final List<String> UPDATE_POLICIES = List.of(ROLLBACK_PROTECTED, EPHEMERAL, NO_ROLLBACK_PROTECTION);

  public VolumeSpec {
    updatePolicy = updatePolicy == null ? ROLLBACK_PROTECTED : updatePolicy;
    export = export == null ? List.of() : List.copyOf(export);
  }

  /** Where an imported volume comes from. */
  public record VolumeImport(String session, String volume) {}
}
