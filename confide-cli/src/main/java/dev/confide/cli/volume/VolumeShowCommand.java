package dev.confide.cli.volume;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.volume.VolumeInspector;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide volume show VOL}. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print what anyone can see of VOL without its key: id, format, generations present.")
public final class VolumeShowCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "VOL") Path volume;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    VolumeInspector.Facts f = VolumeInspector.inspect(volume);
    List<Map<String, Object>> gens = f.generations().stream()
        .map(g -> Output.fields("generation", g.number(), "tag", g.tag().hex(), "manifest_bytes", g.manifestBytes()))
        .toList();
    Output out = new Output(spec.commandLine().getOut(), common.json);
    if (common.json) {
      out.report("", Output.fields("volume", f.id().hex(), "format", f.formatVersion(), "generations", gens));
    } else {
      Map<String, Object> fields = Output.fields("volume", f.id().hex(), "format", f.formatVersion());
      for (var g : f.generations()) {
        fields.put("generation " + g.number(), "tag " + g.tag().hex());
      }
      out.report(volume.toString(), fields);
    }
    return ExitCodes.OK;
  }
}
