package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import java.util.List;
import java.util.Map;

/**
 * What an attested runtime receives (inside the HPKE-sealed answer, never in clear): the program,
 * its environment, the volumes with their keys and expected tags, the secrets, and a run token
 * for this run's tag swaps. Never logged, never written outside the runtime's private memory.
 */
public record RunConfiguration(
    String session,
    String service,
    String measurement,
    String command,
    Map<String, String> environment,
    String pwd,
    List<Mount> mounts,
    Map<String, String> secrets,
    @JsonProperty("run_token") String runToken,
    @JsonProperty("injection_files") List<InjectionFile> injectionFiles,
    boolean network,
    @JsonProperty("stream_output") boolean streamOutput,
    @JsonProperty("image_tree") ImageTree imageTree,
    String user) {

  public RunConfiguration {
    environment = environment == null ? Map.of() : environment;
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    secrets = secrets == null ? Map.of() : secrets;
    injectionFiles = injectionFiles == null ? List.of() : List.copyOf(injectionFiles);
  }

  /**
   * The service's authenticated tree ({@code fspf_path}, {@code fspf_key}, {@code fspf_tag}): the
   * manifest's path on the host, the key (hex, or a secret placeholder) and the expected tag.
   */
  public record ImageTree(String manifest, String key, String tag) {
    @Override
    public String toString() {
      return "ImageTree[" + manifest + ", tag " + tag + "]";
    }
  }

  /** A file the runtime writes (secrets substituted) before the program starts. */
  public record InjectionFile(String path, String content) {
    @Override
    public String toString() {
      return "InjectionFile[" + path + "]";
    }
  }

  /**
   * A volume to open at {@code path}: its key, expected tag (null: new volume), policy, and
   * whether the program may change it (a read-only volume is not sealed again after the run).
   */
  public record Mount(
      String volume,
      String path,
      SymmetricKey key,
      Tag tag,
      @JsonProperty("update_policy") String updatePolicy,
      @JsonProperty("read_only") boolean readOnly) {
    @Override
    public String toString() {
      return "Mount[" + volume + " at " + path + ", tag " + tag + "]";
    }
  }

  @Override
  public String toString() {
    return "RunConfiguration[" + session + "/" + service + "]";
  }
}
