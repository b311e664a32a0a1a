package dev.confide.cli;

import dev.confide.volume.Progress;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Progress on stderr for long work, only when stderr is a terminal and output is not JSON; always
 * able to stop the work when its command is cancelled.
 */
final class ProgressBars {
  private ProgressBars() {}

  /** Progress for {@code spec}'s command, which also stops it when its invocation is cancelled. */
  static Progress forTerminal(CommandSpec spec, CommonOptions common) {
    return new CancellableProgress(shown(spec, common), Main.invocation(spec).cancellation(), spec.qualifiedName(" ")
        .replaceFirst("^confide ", ""));
  }

  private static Progress shown(CommandSpec spec, CommonOptions common) {
    // the user's terminal: a daemon's client says whether it has one
    if (common.json || !Main.invocation(spec).terminal()) {
      return Progress.NONE;
    }
    return new TerminalProgress(spec.commandLine().getErr());
  }
}
