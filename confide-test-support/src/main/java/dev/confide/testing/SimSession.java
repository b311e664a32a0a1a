package dev.confide.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The session most run tests create, as YAML: one service {@code app} whose command runs in an
 * image of the given volumes, measured by {@code measurement}, tolerating simulated attestation
 * (the only evidence a test host has). Keys and tags are given as the hex the session language
 * takes; the caller makes them with the volume API.
 */
public final class SimSession {
  private final String name;
  private String command = "python3 /code/main.py";
  private String path = "/usr/bin:/bin";
  private String measurement;
  private boolean streamOutput = true;
  private Boolean network;
  private final List<String> volumes = new ArrayList<>();
  private final List<String> mounts = new ArrayList<>();
  private final StringBuilder extra = new StringBuilder();

  private SimSession(String name) {
    this.name = name;
  }

  public static SimSession named(String name) {
    return new SimSession(name);
  }

  /** The service's command (default {@code python3 /code/main.py}). */
  public SimSession command(String command) {
    this.command = command;
    return this;
  }

  /** The service's PATH (default {@code /usr/bin:/bin}). */
  public SimSession path(String path) {
    this.path = path;
    return this;
  }

  /** The measurement the service's attestation allows (required). */
  public SimSession measurement(String measurement) {
    this.measurement = measurement;
    return this;
  }

  /** Whether the program's output may be shown live (default: yes). */
  public SimSession streamOutput(boolean streamOutput) {
    this.streamOutput = streamOutput;
    return this;
  }

  public SimSession network(boolean network) {
    this.network = network;
    return this;
  }

  /** A volume the user sealed ({@code keyHex}, {@code tagHex}), mounted at {@code mountPath}. */
  public SimSession sealedVolume(String volume, String keyHex, String tagHex, String mountPath, boolean readOnly) {
    volumes.add("{name: " + volume + ", key: " + keyHex + ", tag: " + tagHex + "}");
    mounts.add("{name: " + volume + ", path: " + mountPath + (readOnly ? ", read_only: true}" : "}"));
    return this;
  }

  /** A volume the run creates (its key made by the CAS), mounted writable at {@code mountPath}. */
  public SimSession newVolume(String volume, String mountPath) {
    volumes.add("{name: " + volume + "}");
    mounts.add("{name: " + volume + ", path: " + mountPath + "}");
    return this;
  }

  /** Top-level YAML lines added as they are (secrets, sim_hosts, ...). */
  public SimSession with(String yamlLines) {
    extra.append(yamlLines.endsWith("\n") ? yamlLines : yamlLines + "\n");
    return this;
  }

  public String yaml() {
    if (measurement == null) {
      throw new IllegalStateException("a run session needs the measurement its attestation allows");
    }
    return "name: " + name + "\n"
        + "services:\n"
        + "  - name: app\n"
        + "    image_name: img\n"
        + "    command: " + command + "\n"
        + "    environment: {PATH: \"" + path + "\"}\n"
        + (network == null ? "" : "    network: " + network + "\n")
        + "    stream_output: " + streamOutput + "\n"
        + "    attestation: [{mrenclave: [" + measurement + "]}]\n"
        + "volumes: [" + String.join(", ", volumes) + "]\n"
        + "images: [{name: img, volumes: [" + String.join(", ", mounts) + "]}]\n"
        + extra
        + "security: {attestation: {tolerate: [simulation]}}\n";
  }
}
