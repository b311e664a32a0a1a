package dev.confide.cli.volume;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.volume.KeyFile;
import dev.confide.volume.OpenedVolume;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide volume open VOL DEST --key-file KEYFILE --tag TAG}. */
@Command(name = "open", mixinStandardHelpOptions = true,
    description = "Verify every byte of VOL at TAG and decrypt it into DEST (new or empty). "
        + "Nothing is written into DEST unless the whole volume authenticates.")
public final class VolumeOpenCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "VOL") Path volume;
  @Parameters(index = "1", paramLabel = "DEST") Path dest;

  @Option(names = "--key-file", required = true, paramLabel = "KEYFILE") Path keyFile;

  @Option(names = "--tag", required = true, paramLabel = "TAG",
      description = "The tag the last seal or update printed; an older state is refused.")
  String tag;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Tag expected = Tag.parse(tag);
    OpenedVolume v = VolumeReader.load(volume, KeyFile.read(keyFile), expected);
    v.extractTo(dest, ProgressBars.forTerminal(spec, common));
    new Output(spec.commandLine().getOut(), common.json).report("opened " + volume + " into " + dest,
        Output.fields("volume", v.id().hex(), "generation", v.manifest().generation(), "tag", v.tag().hex(),
            "files", v.manifest().fileCount(), "bytes", v.manifest().totalBytes(), "destination", dest.toString()));
    return ExitCodes.OK;
  }
}
