package dev.confide.runtime.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one line a client writes to a runtime started with {@code --launch-on-stdin}, once the run's
 * session exists: which CAS (pinned by its key's fingerprint), session and service, and where each
 * volume's ciphertext lives on the host. The runtime starts before the session is made (its JVM,
 * TLS and crypto warm up meanwhile) and waits for this line; nothing in it is secret.
 *
 * <pre>
 * {"cas":"https://127.0.0.1:8081","cas_fingerprint":"SHA256:...","session":"run-x","service":"app",
 *  "volumes":{"inputs":"/dev/shm/confide-ciphertext-.../inputs"},"stream_output":false,"memory_bytes":null}
 * </pre>
 * {@code memory_bytes}: the most memory the program may use (absent or null: no limit).
 * {@code host_arguments} and {@code host_environment}: what the host gives for the session's
 * {@code @@N} words and {@code \@\@NAME} variables (absent: none; {@link dev.confide.policy.HostInputs}).
 * {@code otp}: the code of the session's authenticator, for a session that needs one (absent: none);
 * {@code access_token}: the session's service access token, likewise. Both are secrets: the line
 * travels on the runtime's standard input, never its command line, and is never printed.
 * {@code plan}: what the client expects the service to start (executable, PATH, measured folders:
 * what it put into the session's measurement), a hint: the runtime measures it and attests at once
 * instead of asking the CAS for the plan first; the CAS still releases nothing to another
 * measurement, and a refused hint falls back to asking for the plan (absent: no hint).
 */
public record RunLaunch(
    URI cas,
    @JsonProperty("cas_fingerprint") String casFingerprint,
    String session,
    String service,
    Map<String, Path> volumes,
    @JsonProperty("stream_output") boolean streamOutput,
    @JsonProperty("memory_bytes") Long memoryBytes,
    @JsonProperty("host_arguments") java.util.List<String> hostArguments,
    @JsonProperty("host_environment") Map<String, String> hostEnvironment,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String otp,
    @JsonProperty("access_token")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String accessToken,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    dev.confide.cas.api.RunPlan plan) {
  public RunLaunch {
    volumes = volumes == null ? Map.of() : Map.copyOf(volumes);
    hostArguments = hostArguments == null ? java.util.List.of() : java.util.List.copyOf(hostArguments);
    hostEnvironment = hostEnvironment == null ? Map.of() : Map.copyOf(hostEnvironment);
  }

  @Override
  public String toString() {
    return "RunLaunch[cas=" + cas + ", session=" + session + ", service=" + service + ", otp=" + (otp == null ? "none" : "given")
        + ", accessToken=" + (accessToken == null ? "none" : "given") + "]";
  }

  /** A launch without a memory limit, host inputs, one-time password or plan hint. */
  public RunLaunch(URI cas, String casFingerprint, String session, String service, Map<String, Path> volumes,
      boolean streamOutput) {
    this(cas, casFingerprint, session, service, volumes, streamOutput, null, null, null, null, null, null);
  }

  /** What the launch gives for the session's guards. */
  public dev.confide.cas.api.StartCredentials start() {
    return new dev.confide.cas.api.StartCredentials(otp, accessToken);
  }
}
