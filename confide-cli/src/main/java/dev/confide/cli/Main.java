package dev.confide.cli;

import dev.confide.volume.VolumeException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code confide} command. */
@Command(name = "confide", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Run programs on machines you do not trust: sealed volumes, attested runtimes.",
    subcommands = {VolumeCommand.class, TreeCommand.class, DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code; used by tests without a new JVM. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    boolean debug = Arrays.asList(args).contains("--debug");
    boolean json = Arrays.asList(args).contains("--json");
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExitCodeExceptionMapper(e -> ExitCodes.SOFTWARE);
    cmd.setParameterExceptionHandler((ex, args2) -> {
      err.println("confide: " + ex.getMessage() + "; see '"
          + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
      err.flush();
      return ExitCodes.USAGE;
    });
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof VolumeException v) {
        err.println("confide: " + v.getMessage() + "; " + v.hint());
        if (json) {
          out.println(Output.json(Output.fields("error", v.failure().name().toLowerCase(java.util.Locale.ROOT),
              "message", v.getMessage(), "hint", v.hint())));
        }
        if (debug) {
          v.printStackTrace(err);
        }
        err.flush();
        out.flush();
        return ExitCodes.of(v.failure());
      }
      err.println("confide: internal error: " + ex + "; please report it"
          + (debug ? "" : " (run with --debug for details)"));
      if (debug) {
        ex.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.SOFTWARE;
    });
    return cmd.execute(args);
  }
}
