package dev.confide.cli.session;

import dev.confide.cas.api.SessionReceipt;
import dev.confide.cas.client.CasClient;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasChoice;
import dev.confide.policy.Session;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide session update FILE}: fills {@code predecessor} from the CAS when FILE has none. */
@Command(name = "update", mixinStandardHelpOptions = true,
    description = {"Replace the session FILE names with FILE's content.",
        "Without 'predecessor' in FILE, the CAS's current hash is used: the update is refused if",
        "someone else changes the session in between (no lost updates)."})
public final class SessionUpdateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The session (YAML), possibly a template.")
  java.nio.file.Path file;

  @Mixin SessionFile session;

  @Mixin CasChoice cas;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String text = session.text(file);
    Session parsed = SessionFile.parse(file, text);
    try (CasClient client = cas.open(spec)) {
      if (parsed.predecessor() == null) {
        text = SessionFile.withPredecessor(text, client.session(parsed.name()).hash());
      }
      SessionReceipt r = client.updateSession(parsed.name(), text);
      java.util.List<String> notes = dev.confide.policy.SessionNotes.of(parsed);
      new Output(spec.commandLine().getOut(), common.json).report(SessionFile.noted("Updated session " + r.name() + ".", notes),
          Output.fields("name", r.name(), "hash", r.hash(), "predecessor", r.predecessor(), "notes", notes));
    }
    return ExitCodes.OK;
  }
}
