package dev.confide.cli;

import picocli.CommandLine.Option;

/** Options every reporting command takes. */
public final class CommonOptions {
  @Option(names = "--json", description = "Print the result as one JSON object.")
  public boolean json;

  @Option(names = "--debug", description = "Print stack traces of errors.")
  boolean debug;
}
