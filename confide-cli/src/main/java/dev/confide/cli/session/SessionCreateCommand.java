package dev.confide.cli.session;

import dev.confide.cas.api.SessionReceipt;
import dev.confide.cas.client.CasClient;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasChoice;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide session create FILE [-e K=V]...}. */
@Command(name = "create", mixinStandardHelpOptions = true,
    description = "Create the session FILE defines; the CAS generates its secrets.")
public final class SessionCreateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The session (YAML), possibly a template.")
  java.nio.file.Path file;

  @Mixin SessionFile session;

  @Mixin CasChoice cas;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String text = session.text(file);
    java.util.List<String> notes = dev.confide.policy.SessionNotes.of(SessionFile.parse(file, text));
    try (CasClient client = cas.open(spec)) {
      SessionReceipt r = client.createSession(text);
      new Output(spec.commandLine().getOut(), common.json).report(SessionFile.noted("Created session " + r.name() + ".", notes),
          Output.fields("name", r.name(), "hash", r.hash(), "notes", notes));
    }
    return ExitCodes.OK;
  }
}
