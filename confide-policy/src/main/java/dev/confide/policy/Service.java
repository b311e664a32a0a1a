package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program the session allows to run: its command, environment and working directory come from
 * here, never from the host; {@code attestation} lists the accepted measurements.
 */
public record Service(
    String name,
    @JsonProperty("image_name") String imageName,
    String command,
    Map<String, String> environment,
    String pwd,
    List<AttestationAlternative> attestation,
    @JsonProperty("fspf_path") String fspfPath,
    @JsonProperty("fspf_key") String fspfKey,
    @JsonProperty("fspf_tag") String fspfTag) {

  public Service {
    environment = environment == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    attestation = attestation == null ? List.of() : List.copyOf(attestation);
    pwd = pwd == null ? "/" : pwd;
  }

  /** One accepted way to attest: any measurement of the list. */
  public record AttestationAlternative(List<String> mrenclave) {
    public AttestationAlternative {
      mrenclave = mrenclave == null ? List.of() : List.copyOf(mrenclave);
    }
  }

  @Override
  public String toString() {
    return "Service[" + name + "]";
  }
}
