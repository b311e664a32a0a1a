package dev.confide.cli.cas;

import dev.confide.cas.client.CasClient;
import dev.confide.cli.Main;
import java.io.IOException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --cas NAME} option of commands that talk to a pinned CAS. */
public final class CasChoice {
  @Option(names = "--cas", paramLabel = "NAME", description = "Which pinned CAS (needed when several are pinned).")
  public String name;

  public CasClient open(CommandSpec spec) throws IOException {
    return CasConnections.open(Main.dirs(spec), name);
  }
}
