package dev.confide.cli.volume;

import dev.confide.cli.CommonOptions;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.Output;
import dev.confide.volume.KeyFile;
import dev.confide.volume.OpenedVolume;
import dev.confide.volume.PreparedUpdate;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeException;
import dev.confide.volume.VolumeReader;
import dev.confide.volume.VolumeSealer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code confide volume demo}: seals the bundled example, verifies and opens it, and shows the refusals
 * a host operator meets when tampering with or rolling back the volume. Works in a temporary
 * folder that it removes (unless {@code --keep}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Seal a bundled example tree, verify it, open it, and show tampering and rollback refused.")
public final class VolumeDemoCommand implements Callable<Integer> {
  private static final String RESOURCES = "/dev/confide/cli/demo/";

  @Option(names = "--keep", paramLabel = "DIR",
      description = "Work in DIR (new or empty) and keep it, instead of a temporary folder.")
  Path keep;

  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  private final List<Map<String, Object>> steps = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("confide-demo-");
    try {
      return run(work);
    } finally {
      if (keep == null) {
        dev.confide.volume.FileTrees.deleteQuietly(work);
      }
    }
  }

  private int run(Path work) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path input = work.resolve("input");
    Path volume = work.resolve("volume");
    Path keyFile = work.resolve("volume.key");
    int files = copyExample(input);
    if (!common.json) {
      out.println("Confide demo: the file shield, on a bundled example (" + files + " files) in " + work);
    }

    SymmetricKey key = SymmetricKey.generate();
    KeyFile.write(keyFile, key);
    SealResult sealed = new VolumeSealer().seal(input, volume, key, Progress.NONE);
    step("sealed", "input/ into volume/: names, sizes and contents are now ciphertext",
        "tag", sealed.tag().hex(), "volume", sealed.volumeId().hex());

    OpenedVolume v = VolumeReader.load(volume, KeyFile.read(keyFile), sealed.tag());
    v.verify(Progress.NONE);
    step("verified", "every byte authenticates at tag " + shortTag(sealed.tag()));

    Path output = work.resolve("output");
    v.extractTo(output, Progress.NONE);
    String difference = TreeComparison.difference(input, output);
    if (difference != null) {
      throw new IllegalStateException("the opened tree differs from the input: " + difference);
    }
    step("opened", "volume/ into output/: identical to input/ (contents, modes, mtimes, links)");

    Path tampered = work.resolve("tampered");
    TreeComparison.copy(volume, tampered);
    Path object = firstObject(tampered);
    flipByte(object, Files.size(object) / 2);
    step("tampered", "flipped one byte of " + tampered.relativize(object) + " → "
        + refusal(() -> VolumeReader.load(tampered, key, sealed.tag()).verify(Progress.NONE)));

    Path oldCopy = work.resolve("volume-gen1");
    TreeComparison.copy(volume, oldCopy);
    Files.writeString(input.resolve("data/num"), "42\n");
    SealResult updated;
    try (PreparedUpdate u = new VolumeSealer().update(volume, input, key, sealed.tag(), Progress.NONE)) {
      updated = u.result();
      u.commit();
    }
    step("updated", "data/num changed → generation " + updated.generation() + ", tag " + shortTag(updated.tag()) + " ("
        + updated.filesEncrypted() + " file re-encrypted, " + updated.filesReused() + " unchanged)");

    step("rolled back", "the old copy presented where tag " + shortTag(updated.tag()) + " is expected → "
        + refusal(() -> VolumeReader.load(oldCopy, key, updated.tag())));

    if (common.json) {
      new Output(out, true).report("", Output.fields("workspace", work.toString(), "steps", steps));
    } else {
      out.println("demo complete: sealed, verified, opened; tampering and rollback were refused"
          + (keep != null ? " (kept in " + work + ")" : ""));
    }
    return ExitCodes.OK;
  }

  private void step(String name, String what, Object... extra) {
    Map<String, Object> s = Output.fields("step", name, "result", what);
    for (int i = 0; i < extra.length; i += 2) {
      s.put((String) extra[i], extra[i + 1]);
    }
    steps.add(s);
    if (!common.json) {
      spec.commandLine().getOut().printf("  %-12s %s%n", name, what);
    }
  }

  private static String refusal(Runnable attempt) {
    try {
      attempt.run();
    } catch (VolumeException e) {
      return "refused (exit " + dev.confide.runtime.ExitCodes.of(e.failure()) + "): " + e.getMessage();
    }
    throw new IllegalStateException("the demo's attack was not refused");
  }

  private static String shortTag(Tag t) {
    return t.hex().substring(0, 12) + "…";
  }

  private static int copyExample(Path input) throws IOException {
    Files.createDirectories(input.resolve("data"));
    List<String> names;
    try (InputStream index = resource("index.txt")) {
      names = new String(index.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
    for (String name : names) {
      Path target = name.endsWith(".csv") || name.equals("num") ? input.resolve("data").resolve(name) : input.resolve(name);
      try (InputStream in = resource(name)) {
        Files.copy(in, target);
      }
    }
    Files.createSymbolicLink(input.resolve("latest.csv"), Path.of("data/measurements.csv"));
    return names.size();
  }

  private static InputStream resource(String name) {
    InputStream in = VolumeDemoCommand.class.getResourceAsStream(RESOURCES + name);
    if (in == null) {
      throw new IllegalStateException("the bundled example lacks " + name);
    }
    return in;
  }

  private static Path firstObject(Path volume) throws IOException {
    try (var s = Files.walk(volume.resolve("objects"))) {
      return s.filter(Files::isRegularFile).sorted().findFirst()
          .orElseThrow(() -> new IllegalStateException("the volume has no object"));
    }
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      var b = java.nio.ByteBuffer.allocate(1);
      ch.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 1)).rewind();
      ch.write(b, position);
    }
  }
}
