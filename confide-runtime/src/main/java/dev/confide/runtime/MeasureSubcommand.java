package dev.confide.runtime;

import dev.confide.attest.Measurement;
import dev.confide.attest.Measurer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code confide-runtime measure --path PATH -- COMMAND}: the measurement this runtime, on this
 * host, gives {@code COMMAND}, as one JSON line. A client asks a remote host this instead of
 * hashing its own copy of a program: only the host knows which {@code blender} it runs.
 */
@Command(name = "measure", mixinStandardHelpOptions = true,
    description = {"Print, as one JSON line, the measurement of COMMAND as this runtime would run it here: the",
        "runtime's own digest and the SHA-256 of the executable COMMAND resolves to (on --path, links followed)."})
final class MeasureSubcommand implements Callable<Integer> {
  @Option(names = "--path", defaultValue = "/usr/bin:/bin", paramLabel = "PATH",
      description = "Where a command without '/' is looked up (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(names = "--tree", paramLabel = "DIR",
      description = "A folder the program loads from, measured with it (as a session's measured_trees); repeatable.")
  List<String> trees = new java.util.ArrayList<>();

  @Parameters(paramLabel = "COMMAND", arity = "1", description = "The executable (its arguments are not measured).")
  List<String> command;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Measurement m = new Measurer(RuntimeDigest.ofThisJvm()).measure(command, path, trees);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("measurement", m.value());
    fields.put("executable", m.executable().toString());
    fields.put("executable_sha256", m.executableDigest());
    fields.put("runtime_digest", m.runtimeDigest());
    if (!m.trees().isEmpty()) {
      Map<String, String> measured = new LinkedHashMap<>();
      m.trees().forEach(t -> measured.put(t.path(), t.digest()));
      fields.put("trees", measured);
    }
    spec.commandLine().getOut().println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(fields));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
