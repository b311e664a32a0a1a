package dev.confide.cli.volume;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.volume.SealResult;
import dev.confide.volume.VolumeSealer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide volume seal SRC VOL --key-out KEYFILE}. */
@Command(name = "seal", mixinStandardHelpOptions = true,
    description = "Seal the directory tree SRC into a new volume VOL under a new random key.")
public final class VolumeSealCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SRC", description = "Directory tree to seal.")
  Path source;

  @Parameters(index = "1", paramLabel = "VOL", description = "New (or empty) directory for the volume.")
  Path volume;

  @Option(names = "--key-out", required = true, paramLabel = "KEYFILE",
      description = "Where to write the new key (created with mode 0600; never overwritten).")
  Path keyOut;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    SealResult r = NewKeyFile.use(keyOut,
        key -> new VolumeSealer().seal(source, volume, key, ProgressBars.forTerminal(spec, common)));
    new Output(spec.commandLine().getOut(), common.json).report(
        "sealed " + source + " into " + volume,
        Output.fields("volume", r.volumeId().hex(), "generation", r.generation(), "tag", r.tag().hex(),
            "files", r.files(), "bytes", r.bytes(), "key_file", keyOut.toString()));
    return ExitCodes.OK;
  }
}
