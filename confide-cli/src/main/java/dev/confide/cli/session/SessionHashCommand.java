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

/** {@code confide session hash FILE}: computed here, no CAS needed. */
@Command(name = "hash", mixinStandardHelpOptions = true,
    description = "Print the session hash of FILE (what 'predecessor' and pinned exports name).")
public final class SessionHashCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The session (YAML), possibly a template.")
  java.nio.file.Path file;

  @Mixin SessionFile session;
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Session s = SessionFile.parseForHash(file, session.text(file));
    String hash = SessionHash.of(s);
    new Output(spec.commandLine().getOut(), common.json).report(hash, Output.fields("name", s.name(), "hash", hash));
    return ExitCodes.OK;
  }
}
