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
 * {@code --cas}, {@code --cas-fingerprint}, {@code --session} and {@code --service} are required
 * ({@link #require}) unless the run's launch comes on standard input.
 */
public final class RunTargetOptions {
  @Option(names = "--cas", paramLabel = "URL", description = "The CAS, e.g. https://127.0.0.1:8081.")
  public URI cas;

  @Option(names = "--cas-fingerprint", paramLabel = "SHA256:...",
      description = "The CAS key's fingerprint; any other key is refused.")
  public String fingerprint;

  @Option(names = "--session", paramLabel = "NAME") public String session;

  @Option(names = "--service", paramLabel = "SVC") public String service;

  @Option(names = "--volume", paramLabel = "NAME=DIR",
      description = "Where the ciphertext of volume NAME lives (repeat for each volume the service mounts).")
  public Map<String, Path> volumes = new LinkedHashMap<>();

  @Option(names = "--stream-output",
      description = "Show the program's output live on standard error, if the session allows it (service 'stream_output: true').")
  public boolean streamOutput;

  @Option(names = "--host-arg", paramLabel = "VALUE",
      description = "A value for the session's host argument @@1, then @@2, ... (repeat in order); untrusted: the session"
          + " decides where it goes, and a run with more or fewer than the service takes is refused.")
  public java.util.List<String> hostArguments = new java.util.ArrayList<>();

  @Option(names = "--host-env", paramLabel = "NAME=VALUE",
      description = "A value for the session's host environment variable \\@\\@NAME (repeat for each); untrusted, and"
          + " refused for a variable the service does not take from the host.")
  public Map<String, String> hostEnvironment = new LinkedHashMap<>();

  @Option(names = "--otp",
      description = "The session needs a one-time password: ask on the terminal for its authenticator's current code"
          + " (without a terminal, set CONFIDE_OTP to it; never on the command line).")
  public boolean otp;

  @Option(names = "--access-token",
      description = "The session needs its service access token: ask for it on the terminal"
          + " (without a terminal, set CONFIDE_ACCESS_TOKEN to it; never on the command line).")
  public boolean accessToken;

  /** Refuses a command line without the options a run needs, as picocli refuses a missing required option. */
  public void require(picocli.CommandLine commandLine) {
    java.util.List<String> missing = new java.util.ArrayList<>();
    if (cas == null) {
      missing.add("'--cas=URL'");
    }
    if (fingerprint == null) {
      missing.add("'--cas-fingerprint=SHA256:...'");
    }
    if (session == null) {
      missing.add("'--session=NAME'");
    }
    if (service == null) {
      missing.add("'--service=SVC'");
    }
    if (!missing.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(commandLine, "Missing required option"
          + (missing.size() > 1 ? "s" : "") + ": " + String.join(", ", missing));
    }
  }

  /** Whether any of the run's options were given. */
  public boolean anyGiven() {
    return cas != null || fingerprint != null || session != null || service != null || !volumes.isEmpty() || streamOutput
        || !hostArguments.isEmpty() || !hostEnvironment.isEmpty() || otp || accessToken;
  }

  /**
   * The launch these options name, with the one-time password and access token from the environment
   * or, for {@code --otp} and {@code --access-token}, the terminal.
   */
  public dev.confide.runtime.events.RunLaunch launch() {
    return new dev.confide.runtime.events.RunLaunch(cas, fingerprint, session, service, volumes, streamOutput, null,
        hostArguments, hostEnvironment, StartSecretInput.OTP.read(System.getenv(), otp, session, System.console()),
        StartSecretInput.ACCESS_TOKEN.read(System.getenv(), accessToken, session, System.console()), null);
  }
}
