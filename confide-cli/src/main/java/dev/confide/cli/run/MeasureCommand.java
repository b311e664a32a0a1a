package dev.confide.cli.run;

import dev.confide.attest.Measurement;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide measure -- COMMAND...}: the value a policy author puts into {@code mrenclave}. */
@Command(name = "measure", mixinStandardHelpOptions = true,
    description = {"Print the measurement of COMMAND as this runtime would run it: the runtime's digest",
        "and the SHA-256 of the executable COMMAND resolves to (on PATH, links followed), and of each --tree."})
public final class MeasureCommand implements Callable<Integer> {
  @picocli.CommandLine.Option(names = "--tree", paramLabel = "DIR",
      description = "A folder the program loads from, measured with it (as a session's measured_trees); repeatable.")
  List<String> trees = new java.util.ArrayList<>();

  @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command, after '--'.")
  List<String> command;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Measurement m = ThisRuntime.measurer(Main.invocation(spec).runtime().get()).measure(command, System.getenv("PATH"), trees);
    java.util.Map<String, Object> fields = Output.fields(
        "measurement", m.value(), "executable", m.executable().toString(), "executable_sha256", m.executableDigest(),
        "runtime_digest", m.runtimeDigest());
    if (!m.trees().isEmpty()) {
      java.util.Map<String, String> measured = new java.util.LinkedHashMap<>();
      m.trees().forEach(t -> measured.put(t.path(), t.digest()));
      fields.put("trees", measured);
    }
    new Output(spec.commandLine().getOut(), common.json).report(m.value(), fields);
    return ExitCodes.OK;
  }
}
