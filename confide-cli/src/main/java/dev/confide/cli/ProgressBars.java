package dev.confide.cli;

import dev.confide.volume.Progress;
import picocli.CommandLine.Model.CommandSpec;

/** Progress on stderr for long work, only when stderr is a terminal and output is not JSON. */
final class ProgressBars {
  private ProgressBars() {}

  static Progress forTerminal(CommandSpec spec, CommonOptions common) {
    if (common.json || System.console() == null) {
      return Progress.NONE;
    }
    return new TerminalProgress(spec.commandLine().getErr());
  }
}
