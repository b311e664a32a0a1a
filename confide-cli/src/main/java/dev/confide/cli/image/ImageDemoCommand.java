package dev.confide.cli.image;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.run.ThisRuntime;
import dev.confide.image.ConversionRequest;
import dev.confide.image.ConversionResult;
import dev.confide.image.DemoImage;
import dev.confide.image.ImageConverter;
import dev.confide.image.ImageInspection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide image demo}: writes a small image with Confide's own writers (no registry, no
 * container engine), converts it as {@code image convert} would (its /app encrypted, /usr
 * authenticated, a Helm chart beside it) and inspects the result. Works in a temporary folder that
 * it removes (unless {@code --keep}). The launcher also runs it once per build to record the image
 * commands' class-data archive.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Convert a small bundled image into a confidential one and show what protects what.")
public final class ImageDemoCommand implements Callable<Integer> {
  @Option(names = "--keep", paramLabel = "DIR", description = "Work in DIR (new or empty) and keep it, instead of a temporary folder.")
  Path keep;

  @Option(names = "--runtime", paramLabel = "DIR", hidden = true,
      description = "The runtime distribution to put into the image (default: this Confide's).")
  Path runtime;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (keep != null && Files.isDirectory(keep) && !isEmpty(keep)) {
      throw new dev.confide.cli.CliFailure(ExitCodes.CANT_CREATE, "not_empty", "--keep " + keep + " is not empty",
          "name a new or empty folder");
    }
    Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("confide-image-demo-");
    try {
      Path base = work.resolve("demo-base.tar");
      DemoImage.write(base, "demo-base");
      Path out = work.resolve("demo.tar");
      ImageConverter converter = ImageConvertCommand.converter(spec, common.json);
      ConversionResult r = converter.convert(new ConversionRequest(base, out, work.resolve("policy.yaml"), "demo", DemoImage.COMMAND,
          List.of(DemoImage.APP), List.of(), List.of(ConversionRequest.Volume.parse("data:/data")), null, null, null, null,
          runtime != null ? runtime : ThisRuntime.distribution().home(), false, work.resolve("chart"), "deployment", null, false));
      ImageInspection inspected = ImageInspection.of(out);
      List<String> protections = new ArrayList<>();
      for (ImageInspection.Protected p : inspected.protections()) {
        protections.add(p.path() + " " + p.how() + (p.volume() != null ? " (" + p.volume() + ")" : ""));
      }
      new Output(spec.commandLine().getOut(), common.json).report(
          "Confide image demo: a small image written by Confide itself (" + base.getFileName() + "), converted in " + work
              + (keep == null ? " (removed at the end; --keep DIR keeps it)" : "")
              + "\n  the program's folder " + DemoImage.APP + " is now a sealed volume: its key is only in the policy (0600), for the CAS"
              + "\n  simulated attestation is tolerated by the policy: it protects nothing against the host's root"
              + "\n  next: confide image convert --from YOUR-IMAGE.tar --to OUT.tar --name NAME --command CMD --encrypt DIR",
          Output.fields("image", out.toString(), "policy", r.policy().toString(), "chart", r.chart().toString(), "session", r.session(),
              "measurement", r.measurement(), "protections", common.json ? protections : String.join(", ", protections),
              "kept", keep != null));
      return ExitCodes.OK;
    } finally {
      if (keep == null) {
        dev.confide.volume.FileTrees.deleteQuietly(work);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws java.io.IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
