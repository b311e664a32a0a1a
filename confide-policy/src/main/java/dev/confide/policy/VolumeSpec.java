package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A volume the session owns (its key and tag live in the CAS) or imports from another session.
 * The CAS generates the key on first use unless {@code key} is given: a volume the user sealed on
 * their own machine brings its key (hex, 32 bytes) and its current {@code tag} (SCONE's spelling,
 * {@code fspf_key} and {@code fspf_tag}, is read as well; a SCONE file shield's 16-byte tag marks
 * a volume kept but never opened here, {@link #sconeFileShield}). The key never appears in {@link #toString()} nor in the
 * canonical form (there it is {@code key_sha256}). {@code volume_alias} (SCONE's) is a second name
 * of the volume: an image may mount it under either name, and both are the one volume (one key,
 * one tag, one rollback protection), kept under {@code name}.
 */
public record VolumeSpec(
    String name,
    @JsonProperty("update_policy") String updatePolicy,
    @com.fasterxml.jackson.annotation.JsonFormat(with = com.fasterxml.jackson.annotation.JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    List<Export> export,
    @JsonProperty("import") VolumeImport importFrom,
    @com.fasterxml.jackson.annotation.JsonAlias("fspf_key") String key,
    @com.fasterxml.jackson.annotation.JsonAlias("fspf_tag") String tag,
    @JsonProperty("volume_alias") String alias) {
  public static final String ROLLBACK_PROTECTED = "rollback_protected";
  public static final String EPHEMERAL = "ephemeral";
  public static final String NO_ROLLBACK_PROTECTION = "no_rollback_protection";
  static final List<String> UPDATE_POLICIES = List.of(ROLLBACK_PROTECTED, EPHEMERAL, NO_ROLLBACK_PROTECTION);

  public VolumeSpec {
    updatePolicy = updatePolicy == null ? ROLLBACK_PROTECTED : updatePolicy;
    export = export == null ? List.of() : List.copyOf(export);
  }

  /** A volume without a given key: the one every existing session document means. */
  public VolumeSpec(String name, String updatePolicy, List<Export> export, VolumeImport importFrom) {
    this(name, updatePolicy, export, importFrom, null, null, null);
  }

  /** Whether the volume is protected by SCONE's file shield ({@link SconeFileShield}): kept, never opened here. */
  public boolean sconeFileShield() {
    return SconeFileShield.isTag(tag); // the stored canonical form keeps the tag, not the key
  }

  /** Whether {@code volumeName} names this volume: its name or its alias. */
  public boolean isNamed(String volumeName) {
    return name != null && name.equals(volumeName) || alias != null && alias.equals(volumeName);
  }

  @Override
  public String toString() {
    return "VolumeSpec[" + name + ", " + updatePolicy + (key == null ? "" : ", key given") + "]";
  }

  /** Where an imported volume comes from. */
  public record VolumeImport(String session, String volume) {}
}
