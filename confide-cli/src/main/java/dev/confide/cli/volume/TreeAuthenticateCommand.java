package dev.confide.cli.volume;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.volume.Tag;
import dev.confide.volume.TreeAuthenticator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide tree authenticate DIR --key-out KEYFILE [--manifest FILE]}. */
@Command(name = "authenticate", mixinStandardHelpOptions = true,
    description = "Write a MACed manifest of DIR (a hash per 64 KiB chunk of every file) and print its tag.")
public final class TreeAuthenticateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR") Path dir;

  @Option(names = "--key-out", required = true, paramLabel = "KEYFILE",
      description = "Where to write the new tree key (mode 0600; never overwritten).")
  Path keyOut;

  @Option(names = "--manifest", paramLabel = "FILE",
      description = "Where to write the manifest (default: DIR/" + TreeAuthenticator.DEFAULT_MANIFEST + ").")
  Path manifest;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Path manifestFile = manifest != null ? manifest : dir.resolve(TreeAuthenticator.DEFAULT_MANIFEST);
    Tag tag = NewKeyFile.use(keyOut, key -> TreeAuthenticator.authenticate(dir, key, manifestFile,
        ProgressBars.forTerminal(spec, common)));
    new Output(spec.commandLine().getOut(), common.json).report("authenticated " + dir,
        Output.fields("tag", tag.hex(), "manifest", manifestFile.toString(), "key_file", keyOut.toString()));
    return ExitCodes.OK;
  }
}
