package dev.confide.cli;

import dev.confide.cas.client.CasClient;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --cas NAME} option of commands that talk to a pinned CAS. */
final class CasChoice {
  @Option(names = "--cas", paramLabel = "NAME", description = "Which pinned CAS (needed when several are pinned).")
  String name;

  CasClient open(CommandSpec spec) throws IOException {
    return CasConnections.open(Main.dirs(spec), name);
  }
}
