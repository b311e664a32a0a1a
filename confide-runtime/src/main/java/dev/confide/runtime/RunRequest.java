package dev.confide.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the host decides about a run: which session and service, and where each volume's
 * ciphertext lives. Nothing about what runs: that comes from the CAS.
 *
 * @param volumes volume name to the host directory holding (or to hold) its ciphertext
 * @param streamOutput show the program's output live; honoured only where the session allows it
 * @param stagingRoot where the private staging area goes (null: $XDG_RUNTIME_DIR, else /dev/shm)
 * @param memoryBytes the most memory the program may use (null: no limit); a resource the host
 *     grants, not a protection
 * @param hostArguments the host's values for the command's {@code @@1}, {@code @@2}, ... (untrusted; HostInputs)
 * @param hostEnvironment the host's values for the environment's {@code \@\@NAME} variables (untrusted)
 * @param start the one-time password and access token whoever started the run gave (null: none)
 * @param planHint what the client expects the service to start (null: ask the CAS; {@link RunLaunch})
 */
public record RunRequest(String session, String service, Map<String, Path> volumes, boolean streamOutput, Path stagingRoot,
    Long memoryBytes, java.util.List<String> hostArguments, Map<String, String> hostEnvironment, dev.confide.cas.api.StartCredentials start,
    dev.confide.cas.api.RunPlan planHint) {
  public RunRequest {
    start = start == null ? dev.confide.cas.api.StartCredentials.NONE : start;
    volumes = Map.copyOf(volumes);
    hostArguments = hostArguments == null ? java.util.List.of() : java.util.List.copyOf(hostArguments);
    hostEnvironment = hostEnvironment == null ? Map.of() : Map.copyOf(hostEnvironment);
  }

  /** A request without start credentials or plan hint. */
  public RunRequest(String session, String service, Map<String, Path> volumes, boolean streamOutput, Path stagingRoot,
      Long memoryBytes, java.util.List<String> hostArguments, Map<String, String> hostEnvironment) {
    this(session, service, volumes, streamOutput, stagingRoot, memoryBytes, hostArguments, hostEnvironment, null, null);
  }

  @Override
  public String toString() {
    return "RunRequest[session=" + session + ", service=" + service + ", volumes=" + volumes.keySet() + "]";
  }

  /** A request without host inputs. */
  public RunRequest(String session, String service, Map<String, Path> volumes, boolean streamOutput, Path stagingRoot,
      Long memoryBytes) {
    this(session, service, volumes, streamOutput, stagingRoot, memoryBytes, null, null);
  }

  /** A request without a memory limit. */
  public RunRequest(String session, String service, Map<String, Path> volumes, boolean streamOutput, Path stagingRoot) {
    this(session, service, volumes, streamOutput, stagingRoot, null);
  }
}
