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

/** {@code confide volume verify VOL --key-file KEYFILE [--tag TAG]}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Authenticate every byte of VOL and write nothing. Without --tag the newest "
        + "generation present is checked, which cannot detect a rollback.")
public final class VolumeVerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "VOL") Path volume;

  @Option(names = "--key-file", required = true, paramLabel = "KEYFILE") Path keyFile;

  @Option(names = "--tag", paramLabel = "TAG", description = "The tag the volume must have.")
  String tag;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Tag expected = tag == null ? null : Tag.parse(tag);
    OpenedVolume v = VolumeReader.load(volume, KeyFile.read(keyFile), expected);
    v.verify(ProgressBars.forTerminal(spec, common));
    new Output(spec.commandLine().getOut(), common.json).report(
        "verified " + volume + (v.pinned() ? "" : " (newest generation; no tag given, so a rollback would go unnoticed)"),
        Output.fields("volume", v.id().hex(), "generation", v.manifest().generation(), "tag", v.tag().hex(),
            "tag_checked", v.pinned(), "files", v.manifest().fileCount(), "bytes", v.manifest().totalBytes()));
    return ExitCodes.OK;
  }
}
