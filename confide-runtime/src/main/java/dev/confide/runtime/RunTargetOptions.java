package dev.confide.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What a host says when it starts a run (a picocli mixin of {@code confide-runtime run} and
 * {@code confide runtime run}): the CAS and its key's fingerprint, the session and service, and
 * where each volume's ciphertext lives. Nothing about what runs: that comes from the CAS.
 */
public final class RunTargetOptions {
  @Option(names = "--cas", required = true, paramLabel = "URL", description = "The CAS, e.g. https://127.0.0.1:8081.")
  public URI cas;

  @Option(names = "--cas-fingerprint", required = true, paramLabel = "SHA256:...",
      description = "The CAS key's fingerprint; any other key is refused.")
  public String fingerprint;

  @Option(names = "--session", required = true, paramLabel = "NAME") public String session;

  @Option(names = "--service", required = true, paramLabel = "SVC") public String service;

  @Option(names = "--volume", paramLabel = "NAME=DIR",
      description = "Where the ciphertext of volume NAME lives (repeat for each volume the service mounts).")
  public Map<String, Path> volumes = new LinkedHashMap<>();

  @Option(names = "--stream-output",
      description = "Show the program's output live on standard error, if the session allows it (service 'stream_output: true').")
  public boolean streamOutput;

  /** The run these options name, with its staging area under {@code stagingRoot} (null: the default). */
  public RunRequest request(Path stagingRoot) {
    return new RunRequest(session, service, volumes, streamOutput, stagingRoot);
  }
}
