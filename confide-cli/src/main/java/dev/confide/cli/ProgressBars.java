package dev.confide.cli;

import dev.confide.volume.Progress;
import picocli.CommandLine.Model.CommandSpec;

/** Progress on stderr for long work, only when stderr is a terminal and output is not JSON. */
final class ProgressBars {
  private ProgressBars() {}

  static Progress forTerminal(CommandSpec spec, CommonOptions common) {
    // Since JDK 22 System.console() exists even when output is redirected; ask whether it is a terminal.
    java.io.Console console = System.console();
    if (common.json || console == null || !console.isTerminal()) {
      return Progress.NONE;
    }
    return new TerminalProgress(spec.commandLine().getErr());
  }
}
