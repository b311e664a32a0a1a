package dev.confide.cli.run;

import dev.confide.cli.CliFailure;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.remote.ssh.HostProfiles;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide host remove NAME}: forget a remote host (nothing on the host is touched). */
@Command(name = "remove", mixinStandardHelpOptions = true, description = "Forget a remote host; nothing on it is touched.")
public final class HostRemoveCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME") String name;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    HostProfiles profiles = new HostProfiles(Main.dirs(spec).config());
    if (!profiles.remove(name)) {
      throw new CliFailure(ExitCodes.NO_INPUT, "unknown_host", "no host named " + name + " was added",
          "see 'confide host list'");
    }
    new Output(spec.commandLine().getOut(), common.json).report("Removed host " + name + ".", Output.fields("name", name));
    return ExitCodes.OK;
  }
}
