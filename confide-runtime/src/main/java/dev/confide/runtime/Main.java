package dev.confide.runtime;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code confide-runtime}: the runtime's own entry point, what a host starts (the {@code local}
 * host as a process of its own, a remote host over SSH). It runs from its distribution
 * ({@code lib/} and a {@code jre/} of its own, docs/runtime.md) and holds no user's identity: it
 * reaches the CAS as an anonymous TLS client that pins the CAS's key.
 */
@Command(name = "confide-runtime", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    subcommands = {RunSubcommand.class, MeasureSubcommand.class, HostKeySubcommand.class},
    description = "Confide's runtime: attest to the CAS and run one service of a session confidentially.")
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  static int run(String[] args, PrintWriter out, PrintWriter err) {
    boolean debug = Arrays.asList(args).contains("--debug");
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setParameterExceptionHandler((ex, ignored) -> {
      err.println("confide-runtime: " + ex.getMessage() + "; see '"
          + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
      return ExitCodes.USAGE;
    });
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      var report = dev.confide.runtime.events.RunFailures.report(ex);
      if (report != null) {
        err.println("confide-runtime: " + report.message() + "; " + report.hint());
      } else {
        err.println("confide-runtime: internal error: " + ex + "; please report it"
            + (debug ? "" : " (run with --debug for details)"));
      }
      if (debug) {
        ex.printStackTrace(err);
      }
      err.flush();
      return report != null ? report.exitCode() : ExitCodes.SOFTWARE;
    });
    return cmd.execute(args);
  }

  /** The version from the jar's manifest, and the Java it runs on. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"confide-runtime " + (v == null ? "(development build)" : v),
          "Java " + Runtime.version() + " at " + System.getProperty("java.home")};
    }
  }
}
