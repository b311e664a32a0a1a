package dev.confide.cli.volume;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.cli.ProgressBars;
import dev.confide.volume.KeyFile;
import dev.confide.volume.Tag;
import dev.confide.volume.TreeAuthenticator;
import dev.confide.volume.TreeVerifier;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code confide tree verify DIR --key-file KEYFILE --tag TAG [--manifest FILE]}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check that DIR is exactly what was authenticated: no file changed, added or removed.")
public final class TreeVerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR") Path dir;

  @Option(names = "--key-file", required = true, paramLabel = "KEYFILE") Path keyFile;

  @Option(names = "--tag", required = true, paramLabel = "TAG") String tag;

  @Option(names = "--manifest", paramLabel = "FILE",
      description = "The manifest (default: DIR/" + TreeAuthenticator.DEFAULT_MANIFEST + ").")
  Path manifest;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Tag expected = Tag.parse(tag);
    Path manifestFile = manifest != null ? manifest : dir.resolve(TreeAuthenticator.DEFAULT_MANIFEST);
    TreeVerifier.Summary s = TreeVerifier.load(dir, KeyFile.read(keyFile), expected, manifestFile)
        .verifyAll(manifestFile, ProgressBars.forTerminal(spec, common));
    new Output(spec.commandLine().getOut(), common.json).report("verified " + dir,
        Output.fields("tag", expected.hex(), "files", s.files(), "bytes", s.bytes()));
    return ExitCodes.OK;
  }
}
