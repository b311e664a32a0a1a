package dev.confide.cli;

import dev.confide.cli.run.ThisRuntime;
import dev.confide.remote.RuntimeDistribution;
import dev.confide.remote.RuntimeStarter;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What one command line runs with besides its words: the user's folders, the directory its
 * relative paths mean (null: this process's own), when the user's command started, whether the
 * user's command runs at a terminal (for progress bars), the runtime it starts, how it is
 * stopped, and how runtime processes are got (fresh, or a daemon's warm spare). A JVM started for one command has one; the daemon makes one per
 * request, from what its client sends.
 */
public record Invocation(ConfideDirs dirs, Path cwd, long launchedAtMillis, boolean terminal, Supplier<RuntimeDistribution> runtime,
    Cancellation cancellation, RuntimeStarter runtimes) {

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
