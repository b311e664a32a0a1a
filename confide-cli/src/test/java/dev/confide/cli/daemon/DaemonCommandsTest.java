package dev.confide.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cli.ConfideDirs;
import dev.confide.cli.Invocation;
import dev.confide.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The launcher ({@code ./confide}, bash) and the daemon ({@link DaemonCommands}) must agree on
 * which command lines go to the daemon: one the launcher hands over but the daemon refuses fails
 * for the user, one the daemon would take but the launcher keeps pays a cold JVM. Every command
 * of the real command tree is asked of both.
 */
class DaemonCommandsTest {
  /** Every command path, top-level and below, of Confide's command tree. */
  private static List<List<String>> commandPaths() {
    CommandLine root = new CommandLine(new Main(Invocation.ofThisProcess(ConfideDirs.from(Map.of("HOME", "/nonexistent")))));
    Main.COMMANDS.forEach(root::addSubcommand);
    List<List<String>> paths = new ArrayList<>();
    collect(root, List.of(), paths);
    return paths;
  }

  private static void collect(CommandLine cmd, List<String> path, List<List<String>> paths) {
    for (Map.Entry<String, CommandLine> sub : cmd.getSubcommands().entrySet()) {
      List<String> p = new ArrayList<>(path);
      p.add(sub.getKey());
      paths.add(p);
      collect(sub.getValue(), p, paths);
    }
  }

  /** Asks the launcher's own {@code daemon_serves} function, taken from the script. */
  private static boolean launcherServes(List<String> args) throws IOException, InterruptedException {
    String script = Files.readString(Path.of(System.getProperty("confide.home"), "confide"));
    int start = script.indexOf("daemon_serves() {");
    int end = script.indexOf("\n}\n", start);
    assertThat(start).as("the launcher defines daemon_serves").isPositive();
    String function = script.substring(start, end + 2);
    List<String> command = new ArrayList<>(List.of("bash", "-c", function + "\ndaemon_serves \"$@\"", "bash"));
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    assertThat(code).as(output).isIn(0, 1);
    return code == 0;
  }

  @Test
  void theLauncherAndTheDaemonAgreeOnEveryCommand() throws Exception {
    List<List<String>> paths = commandPaths();
    assertThat(paths).contains(List.of("volume", "seal"), List.of("run"), List.of("cas", "start"));
    for (List<String> path : paths) {
      assertThat(launcherServes(path)).as("launcher on %s", path).isEqualTo(DaemonCommands.served(path));
    }
    assertThat(DaemonCommands.served(List.of("volume", "seal"))).isTrue();
    assertThat(DaemonCommands.served(List.of("cas", "start"))).isFalse();
    assertThat(DaemonCommands.served(List.of("volume", "demo"))).isFalse();
    // runs on any host: a remote one with the client's ssh-agent, and no question asked
    for (List<String> run : List.of(List.of("run", "--application", "python", "--host", "faye"), List.of("run", "--host=faye"),
        List.of("run", "--host", "local"))) {
      assertThat(launcherServes(run)).as("launcher on %s", run).isTrue();
      assertThat(DaemonCommands.served(run)).as("%s", run).isTrue();
    }
  }
}
