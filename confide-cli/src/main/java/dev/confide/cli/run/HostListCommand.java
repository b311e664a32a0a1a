package dev.confide.cli.run;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.remote.ssh.HostProfile;
import dev.confide.remote.ssh.HostProfiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code confide host list}: the remote hosts added, and this machine. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the hosts you can run on.")
public final class HostListCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Map<String, HostProfile> hosts = new HostProfiles(Main.dirs(spec).config()).all();
    Output out = new Output(spec.commandLine().getOut(), common.json);
    Map<String, Object> fields = Output.fields("local", "this machine");
    List<Map<String, Object>> remote = new ArrayList<>();
    for (HostProfile h : hosts.values()) {
      String identity = h.identity() == null ? "(ssh-agent or defaults)" : h.identity().toString();
      remote.add(Output.fields("name", h.name(), "ssh", h.address().toString(), "identity", identity, "remote_dir", h.remoteDir(),
          "jump", h.jumpSpec()));
      if (!common.json) {
        fields.put(h.name(), h.address() + (h.jumps().isEmpty() ? "" : " via " + h.jumpSpec()) + ", key " + identity + ", in "
            + h.remoteDir());
      }
    }
    if (common.json) {
      fields.put("remote", remote);
    }
    out.report(hosts.isEmpty() ? "No remote host added ('confide host add NAME --ssh USER@HOST')." : hosts.size()
        + " remote host" + (hosts.size() == 1 ? "" : "s") + ".", fields);
    return ExitCodes.OK;
  }
}
