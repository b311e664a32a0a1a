package dev.confide.cli.session;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.confide.cas.api.SessionView;
import dev.confide.cas.api.VolumeState;
import dev.confide.cas.client.CasClient;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasChoice;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide session show NAME}: the policy and facts, never a secret value. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print a session: hash, predecessor, creator, secrets (names only), volume tags, the policy.")
public final class SessionShowCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME") String name;

  @Mixin CasChoice cas;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (CasClient client = cas.open(spec)) {
      SessionView v = client.session(name);
      PrintWriter out = spec.commandLine().getOut();
      if (common.json) {
        out.println(Output.json(v));
        out.flush();
        return ExitCodes.OK;
      }
      var fields = Output.fields("hash", v.hash(), "predecessor", v.predecessor() == null ? "(none)" : v.predecessor(),
          "creator", v.creator(), "updated", v.updatedAt());
      for (SessionView.SecretInfo s : v.secrets()) {
        fields.put("secret " + s.name(), s.kind() + ", " + s.origin());
      }
      for (VolumeState vol : v.volumes()) {
        fields.put("volume " + vol.volume(), vol.updatePolicy() + ", generation " + vol.generation() + ", tag "
            + (vol.tag() == null ? "(none yet)" : vol.tag()));
      }
      new Output(out, false).report("Session " + v.name(), fields);
      out.println("policy (canonical form; secret values never leave the CAS):");
      YAMLMapper yaml = new YAMLMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
      out.print(yaml.writeValueAsString(v.session()).indent(2));
      out.flush();
    }
    return ExitCodes.OK;
  }
}
