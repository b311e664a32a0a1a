package dev.confide.cli.session;

import dev.confide.cas.client.CasClient;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasChoice;
import dev.confide.policy.Session;
import dev.confide.policy.SessionHash;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide session verify NAME FILE}: exit 0 when the active session is FILE, 1 when it differs. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check that the session active at the CAS is exactly FILE (exit 0), or say it differs (exit 1).")
public final class SessionVerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", paramLabel = "FILE", description = "The session (YAML), possibly a template.")
  java.nio.file.Path file;

  @Mixin SessionFile session;

  @Mixin CasChoice cas;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Session local = SessionFile.parseForHash(file, session.text(file));
    String expected = SessionHash.of(local);
    try (CasClient client = cas.open(spec)) {
      String active = client.session(name).hash();
      boolean same = active.equals(expected) && local.name().equals(name);
      Output out = new Output(spec.commandLine().getOut(), common.json);
      out.report(same ? "Session " + name + " is exactly " + file + "."
              : "Session " + name + " differs from " + file + ".",
          Output.fields("name", name, "same", same, "active_hash", active, "file_hash", expected));
      return same ? ExitCodes.OK : ExitCodes.DIFFERS;
    }
  }
}
