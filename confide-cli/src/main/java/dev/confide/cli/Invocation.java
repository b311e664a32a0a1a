package dev.confide.cli;

import dev.confide.cli.run.ThisRuntime;
import dev.confide.remote.RuntimeDistribution;
import dev.confide.remote.RuntimeStarter;
import dev.confide.remote.ssh.KeptHosts;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What one command line runs with besides its words: the user's folders, the directory its
 * relative paths mean (null: this process's own), when the user's command started, whether the
 * user's command runs at a terminal (for progress bars), the runtime it starts, how it is
 * stopped, how runtime processes are got (fresh, or a daemon's warm spare), the user's ssh-agent
 * ({@code SSH_AUTH_SOCK} of the user's shell), whether this process may ask at its terminal (a
 * daemon never does: it has no terminal of the user's) and which remote-host connections it keeps
 * between runs (a daemon's, with a spare runtime on each host; none elsewhere), and when what the command
 * opened is closed ({@link AfterReply}: a daemon's after its reply). A JVM started for one command has one; the
 * daemon makes one per request, from what its client sends.
 */
public record Invocation(ConfideDirs dirs, Path cwd, long launchedAtMillis, boolean terminal, Supplier<RuntimeDistribution> runtime,
    Cancellation cancellation, RuntimeStarter runtimes, Path sshAgent, boolean mayAsk, KeptHosts keptHosts, AfterReply afterReply) {

  /** An invocation whose user's ssh-agent is this process's ({@code SSH_AUTH_SOCK}), asking at this process's terminal. */
  public Invocation(ConfideDirs dirs, Path cwd, long launchedAtMillis, boolean terminal, Supplier<RuntimeDistribution> runtime,
      Cancellation cancellation, RuntimeStarter runtimes) {
    this(dirs, cwd, launchedAtMillis, terminal, runtime, cancellation, runtimes, agentOf(System.getenv()), true,
        KeptHosts.none(), AfterReply.NOW);
  }

  /** The ssh-agent socket {@code env} names ({@code SSH_AUTH_SOCK}), or null. */
  public static Path agentOf(java.util.Map<String, String> env) {
    String sock = env.get("SSH_AUTH_SOCK");
    return sock == null || sock.isBlank() ? null : Path.of(sock);
  }

  /** This JVM, started for one command: folders from {@code env}, paths from its own directory. */
  public static Invocation ofThisProcess(ConfideDirs dirs) {
    return new Invocation(dirs, null, LaunchFacts.launcherStartMillis(), LaunchFacts.stderrIsTerminal(),
        ThisRuntime::distribution, new Cancellation(), RuntimeStarter.FRESH);
  }

  /** A path the user typed, relative to where the user typed it. */
  Path path(String typed) {
    Path p = Path.of(typed);
    return cwd == null || p.isAbsolute() ? p : cwd.resolve(p);
  }
}
