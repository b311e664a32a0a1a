package dev.confide.cli;

import dev.confide.volume.Progress;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Progress on stderr for long work, only when stderr is a terminal and output is not JSON; always
 * able to stop the work when its command is cancelled.
 */
public final class ProgressBars {
  private ProgressBars() {}

  /** Progress for {@code spec}'s command, which also stops it when its invocation is cancelled. */
  public static Progress forTerminal(CommandSpec spec, CommonOptions common) {
    return forTerminal(Main.invocation(spec), spec.commandLine().getErr(), common.json,
        spec.qualifiedName(" ").replaceFirst("^confide ", ""));
  }

  /** Progress on {@code err} for the work of {@code command}, which also stops it when {@code invocation} is cancelled. */
  public static Progress forTerminal(Invocation invocation, PrintWriter err, boolean json, String command) {
    return new CancellableProgress(shown(invocation, err, json), invocation.cancellation(), command);
  }

  /**
   * Progress for work that must finish once begun, which a cancel does not stop: unsealing the
   * outputs of a run whose tag is already committed (stopping there would throw the results away).
   */
  public static Progress uncancellable(Invocation invocation, PrintWriter err, boolean json) {
    return shown(invocation, err, json);
  }

  private static Progress shown(Invocation invocation, PrintWriter err, boolean json) {
    // the user's terminal: a daemon's client says whether it has one
    if (json || !invocation.terminal()) {
      return Progress.NONE;
    }
    return new TerminalProgress(err);
  }
}
