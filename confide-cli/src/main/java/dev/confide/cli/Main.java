package dev.confide.cli;

import dev.confide.cli.cas.CasCommand;
import dev.confide.cli.cas.IdentityCommand;
import dev.confide.cli.daemon.DaemonCommand;
import dev.confide.cli.run.DemoCommand;
import dev.confide.cli.run.HostCommand;
import dev.confide.cli.run.MeasureCommand;
import dev.confide.cli.run.RunApplicationCommand;
import dev.confide.cli.run.RuntimeCommand;
import dev.confide.cli.session.SessionCommand;
import dev.confide.cli.volume.TreeCommand;
import dev.confide.cli.volume.VolumeCommand;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code confide} command. */
@Command(name = "confide", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Run programs on machines you do not trust: sealed volumes, attested runtimes.")
public final class Main {
  /**
   * The top-level commands, in the order help lists them. picocli builds the model of every
   * subcommand it is given, by reflection, which took about 0.2 s of every start; a command line
   * that names one of them gets only that one (help, and a name picocli does not know, get all).
   */
  public static final List<Class<?>> COMMANDS = List.of(VolumeCommand.class, TreeCommand.class, IdentityCommand.class,
      CasCommand.class, dev.confide.cli.attest.AttestCommand.class, SessionCommand.class, HostCommand.class, MeasureCommand.class, RuntimeCommand.class,
      RunApplicationCommand.class, dev.confide.cli.run.RunsCommand.class, dev.confide.cli.image.ImageCommand.class, DemoCommand.class, DaemonCommand.class, CommandLine.HelpCommand.class);

  public final Invocation invocation;

  public Main(Invocation invocation) {
    this.invocation = invocation;
  }

  /** What this command line runs with; commands reach it through their root command. */
  public static Invocation invocation(picocli.CommandLine.Model.CommandSpec spec) {
    return ((Main) spec.root().userObject()).invocation;
  }

  /** The user's configuration and data folders. */
  public static ConfideDirs dirs(picocli.CommandLine.Model.CommandSpec spec) {
    return invocation(spec).dirs();
  }

  public static void main(String[] args) {
    Invocation invocation = Invocation.ofThisProcess(ConfideDirs.from(System.getenv()));
    PrintWriter err = new PrintWriter(System.err, true);
    StopOnSignal stop = new StopOnSignal(invocation.cancellation(), err);
    Runtime.getRuntime().addShutdownHook(stop.hook());
    int code;
    try {
      code = run(args, new PrintWriter(System.out, true), err, invocation);
    } finally {
      stop.finished();
    }
    System.exit(code);
  }

  /** Runs the command line and returns the exit code; used by tests without a new JVM. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, ConfideDirs.from(System.getenv()));
  }

  public static int run(String[] args, PrintWriter out, PrintWriter err, ConfideDirs dirs) {
    return run(args, out, err, Invocation.ofThisProcess(dirs));
  }

  public static int run(String[] args, PrintWriter out, PrintWriter err, Invocation invocation) {
    boolean debug = Arrays.asList(args).contains("--debug");
    boolean json = Arrays.asList(args).contains("--json");
    CommandLine cmd = new CommandLine(new Main(invocation));
    String first = args.length > 0 ? args[0] : "";
    boolean named = COMMANDS.stream().anyMatch(c -> name(c).equals(first)) && !first.equals("help");
    for (Class<?> command : COMMANDS) {
      if (!named || name(command).equals(first)) {
        cmd.addSubcommand(command);
      }
    }
    if (!named) {
      // picocli's own: a bash completion script of every command (zsh reads it through bashcompinit)
      cmd.addSubcommand("completion", new picocli.AutoComplete.GenerateCompletion());
      cmd.getSubcommands().get("completion").getCommandSpec().usageMessage().description(
          "Print a completion script for bash and zsh: source <(./confide completion) (zsh: autoload -U +X bashcompinit && bashcompinit first).");
    }
    HelpText.wholeSentences(cmd);
    // after the subcommands are added: picocli registers a converter with those it has
    cmd.registerConverter(java.nio.file.Path.class, invocation::path);
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExitCodeExceptionMapper(e -> ExitCodes.SOFTWARE);
    cmd.setParameterExceptionHandler((ex, args2) -> {
      String hint = "see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'";
      err.println("confide: " + ex.getMessage() + "; " + hint);
      if (json) {
        out.println(Output.json(Output.fields("error", "usage", "message", ex.getMessage(), "hint", hint, "exit_code",
            ExitCodes.USAGE, "failure", "confide")));
        out.flush();
      }
      err.flush();
      return ExitCodes.USAGE;
    });
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (invocation.terminal() && !json) {
        err.print(TerminalProgress.ERASE_LINE); // a progress bar the failure cut short
      }
      Failures.Report report = Failures.of(ex);
      if (report != null) {
        err.println("confide: " + report.message() + "; " + report.hint());
        report.details().forEach(err::println);
        if (json) {
          var fields = Output.fields("error", report.error(), "message", report.message(), "hint", report.hint(),
              "exit_code", report.exitCode(), "failure", "confide");
          if (!report.problems().isEmpty()) {
            fields.put("problems", report.problemsJson());
            fields.put("unlisted", report.unlisted());
          }
          out.println(Output.json(fields));
        }
        if (debug) {
          ex.printStackTrace(err);
        }
        err.flush();
        out.flush();
        return report.exitCode();
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

  private static String name(Class<?> command) {
    return command.getAnnotation(Command.class).name();
  }
}
