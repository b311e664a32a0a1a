package dev.confide.cli.session;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.policy.Session;
import dev.confide.policy.SessionHash;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide session lint FILE}: every check a CAS makes of a session's text, here, without a
 * CAS (for policy authors' CI): exit 0 and the session's hash, or exit 65 and every problem, each
 * with its place and what to write instead ({@code --json}: as a list); a valid session's notes name
 * what it keeps without acting on here ({@link dev.confide.policy.SessionNotes}). What only a CAS can check
 * (that an imported session exists and exports to this one, namespace rights) is not.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
    description = "Check FILE as a CAS would, without one: exit 0 with its hash, or 65 listing every problem (file:line:column,"
        + " what is wrong, what to write instead). Imports and namespace rights are checked only by the CAS.")
public final class SessionLintCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The session (YAML), possibly a template.")
  java.nio.file.Path file;

  @Mixin SessionFile session;
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Session s = SessionFile.parse(file, session.text(file));
    String hash = SessionHash.of(s);
    java.util.List<String> notes = dev.confide.policy.SessionNotes.of(s);
    new Output(spec.commandLine().getOut(), common.json).report(SessionFile.noted(file + ": session " + s.name()
        + " has no problems (hash " + hash + "; " + s.services().size() + " services, " + s.secrets().size() + " secrets, "
        + s.volumes().size() + " volumes)", notes),
        Output.fields("file", file.toString(), "name", s.name(), "hash", hash, "problems", java.util.List.of(), "notes", notes));
    return ExitCodes.OK;
  }
}
