package dev.confide.remote;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.confide.policy.RunCommand;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An application the user can run by name ({@code examples/applications/*.yaml}, or the user's own
 * in the config dir's {@code applications/}): the executable a run measures, the PATH it is found
 * in, the script run by default, and the template of each run's session. The template is filled
 * with $SESSION, $SCRIPT, $JOB (the run's job as base64 JSON: the script, or a scene and its
 * overrides), $MEASUREMENT, $INPUTS_KEY and $INPUTS_TAG, $START (the base64 of {@code start_script},
 * a file beside the application's, when it names one) (and $OUTPUTS_KEY,
 * $OUTPUTS_TAG for a template that names them: the output volume's key is then made by the client
 * instead of by the CAS). {@code measurements}, when given, pins the measurements a run may have
 * (as {@code confide measure} prints them): a host whose runtime and program measure otherwise is
 * refused; without them a remote host's measurement is confirmed by the user once, like a host key.
 * {@code memory} (as {@code 4G}) is the memory limit of its runs unless {@code --memory} says another.
 * {@code measured_trees} names folders the program loads from, measured with its executable
 * (docs/runtime.md): the session template says {@code measured_trees: $MEASURED_TREES} for its
 * service, so that the CAS asks the host's runtime for exactly the trees the client measured.
 */
public record Application(
    String name,
    String description,
    String executable,
    String path,
    @JsonProperty("default_script") String defaultScript,
    String session,
    java.util.List<String> measurements,
    @JsonProperty("start_script") String startScript,
    String memory,
    @JsonProperty("measured_trees") java.util.List<String> measuredTrees,
    Path file) {
  public Application {
    measurements = measurements == null ? java.util.List.of() : java.util.List.copyOf(measurements);
    measuredTrees = measuredTrees == null ? java.util.List.of() : java.util.List.copyOf(measuredTrees);
  }

  /** {@link #measuredTrees()} as the session template's $MEASURED_TREES: a YAML flow sequence of JSON strings. */
  public String measuredTreesValue() {
    try {
      return JSON.writeValueAsString(measuredTrees);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is JSON", e);
    }
  }

  /** Whether the session takes a job ($JOB): a scene to render, or a script for its start script to run. */
  public boolean takesJob() {
    return session.contains("$JOB") || session.contains("${JOB}");
  }

  /** The start script's bytes (the file {@code start_script} names, beside this application's file), or null. */
  public byte[] startScriptBytes() {
    if (startScript == null) {
      return null;
    }
    Path script = file.resolveSibling(startScript);
    try {
      return java.nio.file.Files.readAllBytes(script);
    } catch (IOException e) {
      throw new JobException(dev.confide.runtime.ExitCodes.DATA, "bad_application", "application " + name + " names the start"
          + " script " + script + ", which cannot be read: " + e.getMessage(), "put it beside " + file);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public static Application read(Path file) {
    try {
      Application a = YAML.readValue(file.toFile(), Application.class);
      if (a.name() == null || a.executable() == null || a.session() == null) {
        throw new JobException(dev.confide.runtime.ExitCodes.DATA, "bad_application", "application file " + file
            + " needs 'name', 'executable' and 'session'", "see examples/applications/python.yaml");
      }
      for (String tree : a.measuredTrees()) {
        if (tree == null || !tree.startsWith("/")) {
          throw new JobException(dev.confide.runtime.ExitCodes.DATA, "bad_application", "application file " + file
              + " names the measured tree '" + tree + "', which is not an absolute path", "name folders from '/'");
        }
      }
      if (!a.measuredTrees().isEmpty() && !a.session().contains("$MEASURED_TREES")
          && !a.session().contains("${MEASURED_TREES}")) {
        throw new JobException(dev.confide.runtime.ExitCodes.DATA, "bad_application", "application file " + file
            + " names measured_trees, but its session does not measure them", "give its service 'measured_trees: $MEASURED_TREES'");
      }
      return new Application(a.name(), a.description(), a.executable(), a.path() == null ? RunCommand.DEFAULT_PATH : a.path(),
          a.defaultScript() == null ? "main.py" : a.defaultScript(), a.session(), a.measurements(), a.startScript(), a.memory(),
          a.measuredTrees(), file);
    } catch (IOException e) {
      throw new JobException(dev.confide.runtime.ExitCodes.DATA, "bad_application", "cannot read application file " + file + ": "
          + e.getMessage().lines().findFirst().orElse(""), "fix the file; see examples/applications/python.yaml");
    }
  }
}
