package dev.confide.cli.daemon;

import dev.confide.cli.ExitCodes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code confide daemon}: the user's warm Confide that {@code ./confide run} hands its runs to. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
    description = {"Show or stop your Confide daemons (what './confide run' hands runs to; one per build,",
        "exits by itself after 15 idle minutes; set CONFIDE_DAEMON=off to run without one)."},
    subcommands = {DaemonCommand.Status.class, DaemonCommand.Stop.class})
public final class DaemonCommand {
  private DaemonCommand() {}

  /** Asks every daemon of this user (of any build) the same thing; returns how many answered. */
  static int askAll(DaemonWire.Kind kind, PrintWriter out, PrintWriter err) throws IOException {
    DaemonPlace place = DaemonPlace.forUser(System.getenv());
    PrintStream o = new PrintStream(writerStream(out), true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(writerStream(err), true, StandardCharsets.UTF_8);
    int answered = 0;
    for (String build : builds(place)) {
      if (new DaemonClient(place, build, o, e).ask(kind) != null) {
        answered++;
      }
    }
    return answered;
  }

  private static List<String> builds(DaemonPlace place) throws IOException {
    List<String> builds = new ArrayList<>();
    try (DirectoryStream<Path> sockets = Files.newDirectoryStream(place.dir(), "daemon-*.sock")) {
      for (Path s : sockets) {
        String name = s.getFileName().toString();
        builds.add(name.substring("daemon-".length(), name.length() - ".sock".length()));
      }
    } catch (NoSuchFileException none) {
      // no daemon ever ran for this user
    }
    return builds;
  }

  private static OutputStream writerStream(PrintWriter writer) {
    return DaemonWire.stream((b, off, len) -> {
      writer.write(new String(b, off, len, StandardCharsets.UTF_8));
      writer.flush();
    });
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show your running daemons.")
  static final class Status implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (askAll(DaemonWire.Kind.STATUS, spec.commandLine().getOut(), spec.commandLine().getErr()) == 0) {
        spec.commandLine().getOut().println("confide: no daemon runs");
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stop your daemons (after the runs they are serving finish).")
  static final class Stop implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      int stopped = askAll(DaemonWire.Kind.STOP, spec.commandLine().getOut(), spec.commandLine().getErr());
      spec.commandLine().getOut().println(stopped == 0 ? "confide: no daemon runs" : "confide: stopped " + stopped + " daemon(s)");
      return ExitCodes.OK;
    }
  }
}
