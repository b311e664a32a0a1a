package dev.confide.cli.run;

import dev.confide.attest.Executables;
import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Install;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide demo}: Confide's main job on its embedded defaults — a bundled example run
 * confidentially on the local host: Blender's sphere when Blender is installed, else Python stats.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run a bundled example confidentially on this machine (embedded CAS, host 'local'):",
        "Blender renders a sphere when Blender is installed, else Python computes statistics.",
        "The file-shield walkthrough is 'confide volume demo'."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--application", paramLabel = "APP", description = "blender or python (default: blender if installed).")
  String application;

  @Option(names = "--outputs", paramLabel = "DIR",
      description = "Where the results go (default: a new folder under the data directory's demo/).")
  Path outputs;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ConfideDirs dirs = Main.dirs(spec);
    String app = application != null ? application : Executables.onPath("blender").isPresent() ? "blender" : "python";
    Path example = switch (app) {
      case "blender" -> Install.examples().resolve("blender/simple_sphere");
      case "python" -> Install.examples().resolve("python/stats");
      default -> throw new CliFailure(ExitCodes.USAGE, "bad_application", "the demo runs 'blender' or 'python', not '" + app + "'",
          "leave out --application, or pick one of those");
    };
    Path out = outputs != null ? outputs : dirs.data().resolve("demo")
        .resolve(app + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (outputs == null) {
      Files.createDirectories(out.getParent());
    }
    var err = spec.commandLine().getErr();
    if (!common.json) {
      err.println("confide demo: running the " + app + " example (" + example + ") confidentially on this machine ...");
      err.flush();
    }
    int code = new ApplicationRunner().run(Main.invocation(spec), new Output(spec.commandLine().getOut(), common.json), err,
        new ApplicationRunner.Options(dev.confide.remote.LocalHost.NAME, app, example, out, null, false, null, null, false, null, null));
    if (!common.json) {
      spec.commandLine().getOut().println("demo complete: the outputs are in " + out
          + (app.equals("blender") ? " (simple_sphere.png)" : " (report.txt)") + ", the program's own output in "
          + out.resolve("confide-run.log"));
      spec.commandLine().getOut().flush();
    }
    return code;
  }
}
