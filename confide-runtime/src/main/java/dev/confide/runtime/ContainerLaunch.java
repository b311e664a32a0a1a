package dev.confide.runtime;

import dev.confide.runtime.events.RunLaunch;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The launch of a converted image's runtime (its entrypoint, {@code confide-runtime run
 * --in-container}), from the container's environment, which the image and its deployment set:
 * {@value #CAS} and {@value #FINGERPRINT} (the CAS and its key's fingerprint, set when deployed),
 * {@value #SESSION} and {@value #SERVICE}, and {@value #VOLUMES} ({@code name=/path,...}: where
 * each volume's ciphertext lies in the container: the image's encrypted directories and the
 * volumes the deployment mounts). Optional: {@value #HOST_KEY}, the key that signs simulated
 * evidence, {@value #EVIDENCE}, and {@value #OTP} (a one-time code, spent by the run). Nothing in them
 * is a lasting secret, and none of them reaches the program.
 */
public record ContainerLaunch(RunLaunch launch, Path hostKey, String evidence) {
  public static final String CAS = "CONFIDE_CAS";
  public static final String FINGERPRINT = "CONFIDE_CAS_FINGERPRINT";
  public static final String SESSION = "CONFIDE_SESSION";
  public static final String SERVICE = "CONFIDE_SERVICE";
  public static final String VOLUMES = "CONFIDE_VOLUMES";
  public static final String HOST_KEY = "CONFIDE_HOST_KEY";
  public static final String EVIDENCE = "CONFIDE_EVIDENCE";
  public static final String STREAM_OUTPUT = "CONFIDE_STREAM_OUTPUT";
  /** The current code of the session's authenticator, for a session that needs one ({@link StartSecretInput}). */
  public static final String OTP = StartSecretInput.OTP.env();
  /** The session's service access token, for a session that needs one ({@link StartSecretInput}). */
  public static final String ACCESS_TOKEN = StartSecretInput.ACCESS_TOKEN.env();

  /** The launch {@code env} describes, or a failure naming the variable that is missing or wrong. */
  public static ContainerLaunch from(Map<String, String> env) {
    URI cas;
    try {
      cas = URI.create(required(env, CAS, "the CAS's address, e.g. https://cas.example:8081"));
    } catch (IllegalArgumentException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, CAS + " is not a URL", "set it to the CAS's address, e.g. https://cas.example:8081");
    }
    if (!"https".equals(cas.getScheme()) || cas.getHost() == null) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, CAS + " is not an https URL", "set it to the CAS's address, e.g. https://cas.example:8081");
    }
    String fingerprint = required(env, FINGERPRINT, "the CAS key's fingerprint ('confide cas show' prints it)");
    String session = required(env, SESSION, "the session's name");
    String service = required(env, SERVICE, "the service's name");
    Map<String, Path> volumes = new LinkedHashMap<>();
    String listed = env.getOrDefault(VOLUMES, "").trim();
    for (String item : listed.isEmpty() ? List.<String>of() : List.of(listed.split(","))) {
      int eq = item.indexOf('=');
      if (eq <= 0 || !item.substring(eq + 1).startsWith("/")) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, VOLUMES + " holds '" + item + "', not NAME=/PATH",
            "list each volume as NAME=/PATH, separated by commas");
      }
      volumes.put(item.substring(0, eq).trim(), Path.of(item.substring(eq + 1).trim()));
    }
    String key = env.get(HOST_KEY);
    return new ContainerLaunch(new RunLaunch(cas, fingerprint, session, service, volumes,
        "true".equals(env.get(STREAM_OUTPUT)), null, null, null, StartSecretInput.OTP.fromEnvironment(env),
        StartSecretInput.ACCESS_TOKEN.fromEnvironment(env), null), key == null || key.isBlank() ? null : Path.of(key),
        env.getOrDefault(EVIDENCE, "auto"));
  }

  private static String required(Map<String, String> env, String name, String what) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "the container has no " + name + " in its environment",
          "set it to " + what + " (the image's deployment sets it; docs/images.md)");
    }
    return v.trim();
  }
}
