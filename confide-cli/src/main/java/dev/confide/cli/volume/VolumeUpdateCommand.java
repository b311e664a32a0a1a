package dev.confide.cli.volume;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.volume.KeyFile;
import dev.confide.volume.PreparedUpdate;
import dev.confide.volume.SealResult;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeSealer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide volume update VOL SRC --key-file KEYFILE --tag TAG}. */
@Command(name = "update", mixinStandardHelpOptions = true,
    description = "Seal SRC as the next generation of VOL, re-encrypting only changed files. "
        + "The old generation stays intact until the new tag has been printed.")
public final class VolumeUpdateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "VOL") Path volume;
  @Parameters(index = "1", paramLabel = "SRC") Path source;

  @Option(names = "--key-file", required = true, paramLabel = "KEYFILE") Path keyFile;

  @Option(names = "--tag", required = true, paramLabel = "TAG",
      description = "The volume's current tag.")
  String tag;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Tag current = Tag.parse(tag);
    try (PreparedUpdate update = new VolumeSealer().update(volume, source, KeyFile.read(keyFile), current,
        ProgressBars.forTerminal(spec, common))) {
      SealResult r = update.result();
      // The new tag is acknowledged by printing it; only then may the old generation go.
      new Output(spec.commandLine().getOut(), common.json).report("updated " + volume + " from " + source,
          Output.fields("volume", r.volumeId().hex(), "generation", r.generation(), "tag", r.tag().hex(),
              "previous_tag", current.hex(), "files", r.files(), "bytes", r.bytes(),
              "files_encrypted", r.filesEncrypted(), "files_unchanged", r.filesReused()));
      update.commit();
    }
    return ExitCodes.OK;
  }
}
