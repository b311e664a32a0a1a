package dev.confide.cli.session;

import dev.confide.cas.api.PublicValues;
import dev.confide.cas.client.CasClient;
import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.cas.CasChoice;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code confide session values NAME}: the certificates a session makes public ({@code export_public}),
 * e.g. the CA a client must trust to reach the session's service. Anyone may read them.
 */
@Command(name = "values", mixinStandardHelpOptions = true,
    description = "Print the certificates a session makes public (its export_public secrets), e.g. the CA to trust.")
public final class SessionValuesCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The session.") String name;

  @Mixin CasChoice cas;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (CasClient client = cas.open(spec)) {
      PublicValues values = client.publicValues(name);
      PrintWriter out = spec.commandLine().getOut();
      if (common.json) {
        out.println(Output.json(values));
      } else {
        for (Map.Entry<String, PublicValues.Value> v : values.values().entrySet()) {
          out.println("# " + v.getKey() + " (" + v.getValue().kind() + ") of session " + values.session());
          out.print(v.getValue().value());
        }
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
