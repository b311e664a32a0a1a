package dev.confide.cli.image;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.image.ImageInspection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide image inspect FILE}. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show what an image protects how, the session and the measurement its runtime attests with.")
public final class ImageInspectCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "An image tarball (docker-archive or OCI layout).")
  Path file;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ImageInspection i = ImageInspection.of(file);
    Output out = new Output(spec.commandLine().getOut(), common.json);
    if (!i.converted()) {
      out.report(file + " is not a confidential image: nothing in it is protected",
          Output.fields("converted", false, "entrypoint", String.join(" ", i.entrypoint()), "layers", i.layers(),
              "hint", "convert it with 'confide image convert --from " + file + " ...'"));
      return ExitCodes.OK;
    }
    List<Map<String, Object>> protections = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (ImageInspection.Protected p : i.protections()) {
      protections.add(Output.fields("path", p.path(), "how", p.how(), "volume", p.volume()));
      lines.add(p.path() + ": " + switch (p.how()) {
        case "encrypted" -> "encrypted (sealed volume " + p.volume() + ", key only in the CAS)";
        case "authenticated" -> "authenticated (a changed, added or removed file stops the run)";
        default -> "volume " + p.volume() + " (encrypted, rollback-protected; mounted by the deployment)";
      });
    }
    lines.add("anything else: not protected");
    out.report(file + " is a confidential image of session " + i.session() + ", service " + i.service(),
        Output.fields("converted", true, "session", i.session(), "service", i.service(), "command", i.command(),
            "measurement", i.measurement(), "protections", common.json ? protections : String.join("\n    ", lines),
            "entrypoint", String.join(" ", i.entrypoint()), "layers", i.layers(), "layer_bytes", i.layerBytes()));
    return ExitCodes.OK;
  }
}
