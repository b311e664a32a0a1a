package dev.confide.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Where the program runs: isolated from the host but for the binds of its plan. */
public interface Sandbox {
  /** A directory of the runtime's staging area seen by the program at {@code target}. */
  record Bind(Path source, String target, boolean writable) {}

  /** What to run and what it sees. */
  /** {@code uid}/{@code gid}: the program's account inside the sandbox's user namespace (never 0). */
  record Plan(List<String> command, Map<String, String> environment, String pwd, List<Bind> binds, boolean network, int uid,
      int gid) {
    public Plan {
      if (uid <= 0 || gid < 0) {
        throw new IllegalArgumentException("the program never runs as root");
      }
    }

    /** A plan for the default account ({@value Bubblewrap#UID}). */
    public Plan(List<String> command, Map<String, String> environment, String pwd, List<Bind> binds, boolean network) {
      this(command, environment, pwd, binds, network, Bubblewrap.UID, Bubblewrap.UID);
    }
  }

  /** Starts the program; its output (stdout and stderr together) goes where {@code output} says. */
  default Process start(Plan plan, ProcessBuilder.Redirect output) {
    return start(plan, output, java.util.function.UnaryOperator.identity());
  }

  /** As {@link #start(Plan, ProcessBuilder.Redirect)}, the sandbox's command line passed through {@code launcher} (a memory group's). */
  Process start(Plan plan, ProcessBuilder.Redirect output, java.util.function.UnaryOperator<List<String>> launcher);
}
