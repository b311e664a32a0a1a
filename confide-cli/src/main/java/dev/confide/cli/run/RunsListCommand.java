package dev.confide.cli.run;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.remote.ssh.PendingRuns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code confide runs list}: the remote runs whose committed outputs wait on their hosts. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the remote runs whose committed outputs wait on their hosts ('confide runs fetch RUN' gets them).")
public final class RunsListCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<PendingRuns.Pending> runs = new PendingRuns(Main.dirs(spec).data()).all();
    Map<String, Object> fields = Output.fields();
    List<Map<String, Object>> json = new ArrayList<>();
    for (PendingRuns.Pending r : runs) {
      json.add(Output.fields("run", r.session(), "host", r.host(), "application", r.application(), "outputs", r.outputs().toString()));
      if (!common.json) {
        fields.put(r.session(), r.application() + " on " + r.host() + ", for " + r.outputs());
      }
    }
    if (common.json) {
      fields.put("runs", json);
    }
    new Output(spec.commandLine().getOut(), common.json).report(runs.isEmpty() ? "No run waits to be fetched."
        : runs.size() + " run" + (runs.size() == 1 ? "" : "s") + " to fetch ('confide runs fetch RUN'):", fields);
    return ExitCodes.OK;
  }
}
