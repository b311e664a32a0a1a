package dev.confide.cli.volume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cli.Main;
import dev.confide.cli.Output;
import dev.confide.volume.KeyFile;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeReader;
import dev.confide.volume.VolumeSealer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: a child JVM running {@code confide volume update} is killed with SIGKILL at 50
 * random points. After every kill the volume must open and verify at the tag the user holds:
 * the new tag if the child printed it, the old one otherwise. Leftovers of dead updates are
 * collected by the next update that completes.
 */
class UpdateCrashTest {
  private static final Pattern TAG = Pattern.compile("\"tag\" : \"([0-9a-f]{64})\"");
  private static final int KILLS = 50;
  private static final int KILLED = -9;

  @TempDir Path tmp;

  @Test
  void killNineAtRandomPointsNeverLosesTheAcknowledgedState() throws Exception {
    Random random = new Random(20261123);
    Path src = tmp.resolve("src");
    Path vol = tmp.resolve("vol");
    Path keyFile = tmp.resolve("vol.key");
    SymmetricKey key = SymmetricKey.generate();
    KeyFile.write(keyFile, key);
    rewrite(src, random);
    SealResult sealed = new VolumeSealer().seal(src, vol, key, Progress.NONE);
    Tag current = sealed.tag();

    // Calibrate: how long a child takes to start, and to run a whole update.
    long startup = timeChild(List.of("volume", "show", vol.toString()));
    rewrite(src, random);
    long t0 = System.nanoTime();
    Run full = runChild(update(vol, src, keyFile, current), Long.MAX_VALUE);
    long whole = System.nanoTime() - t0;
    assertThat(full.exitCode).isZero();
    current = full.printedTag;

    int kills = 0;
    int killedAfterPrint = 0;
    int completed = 0;
    for (int i = 0; kills < KILLS && i < 4 * KILLS; i++) {
      rewrite(src, random);
      long delay = (long) (startup * 0.8 + random.nextDouble() * (whole * 1.1 - startup * 0.8));
      long began = System.nanoTime();
      Run run = runChild(update(vol, src, keyFile, current), delay);
      if (run.exitCode == KILLED) {
        kills++;
        killedAfterPrint += run.printedTag != null ? 1 : 0;
      } else {
        assertThat(run.exitCode).isZero();
        completed++;
        // the calibration ran on a busier machine than now: kill within what an update takes now
        whole = Math.min(whole, System.nanoTime() - began);
      }
      if (run.printedTag != null) {
        current = run.printedTag;
      }
      // Whatever the kill point, the state the user holds the tag of opens and verifies.
      VolumeReader.load(vol, key, current).verify(Progress.NONE);
      Path out = tmp.resolve("out" + i);
      VolumeReader.load(vol, key, current).extractTo(out, Progress.NONE);
      deleteTree(out);
    }
    System.out.printf("crash test: %d kills (%d after the new tag was printed), %d updates finished first%n",
        kills, killedAfterPrint, completed);
    assertThat(kills).isEqualTo(KILLS);

    // A completed update removes everything older generations and dead updates left.
    rewrite(src, random);
    Run last = runChild(update(vol, src, keyFile, current), Long.MAX_VALUE);
    assertThat(last.exitCode).isZero();
    var manifest = VolumeReader.load(vol, key, last.printedTag).manifest();
    List<String> live = manifest.entries().stream()
        .filter(e -> e instanceof dev.confide.volume.Entry.File)
        .map(e -> ((dev.confide.volume.Entry.File) e).object().id().relativePath()).distinct().sorted().toList();
    List<String> onDisk;
    try (var s = Files.walk(vol.resolve("objects"))) {
      onDisk = s.filter(Files::isRegularFile).map(p -> vol.relativize(p).toString()).sorted().toList();
    }
    assertThat(onDisk).isEqualTo(live);
    try (var s = Files.list(vol)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly("LOCK", "VOLUME", "manifest." + manifest.generation(), "objects");
    }
  }

  private static List<String> update(Path vol, Path src, Path keyFile, Tag tag) {
    return List.of("volume", "update", vol.toString(), src.toString(), "--key-file", keyFile.toString(),
        "--tag", tag.hex(), "--json");
  }

  /** A tree of 120 small files and one of 4 MiB, with fresh random content each time. */
  private static void rewrite(Path src, Random random) throws IOException {
    Files.createDirectories(src.resolve("d"));
    for (int i = 0; i < 120; i++) {
      byte[] b = new byte[8000 + random.nextInt(8000)];
      random.nextBytes(b);
      Files.write(src.resolve("d/f" + i), b);
    }
    byte[] big = new byte[4 << 20];
    random.nextBytes(big);
    Files.write(src.resolve("big.bin"), big);
  }

  private record Run(int exitCode, Tag printedTag) {}

  private Run runChild(List<String> args, long killAfterNanos) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED", "-cp", classPath(),
        Main.class.getName()));
    cmd.addAll(args);
    // Output goes to a file, so that what the child wrote before SIGKILL is all there to read.
    Path stdout = Files.createTempFile(tmp, "child", ".out");
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectOutput(stdout.toFile()).start();
    boolean finished = killAfterNanos == Long.MAX_VALUE
        ? p.waitFor(5, TimeUnit.MINUTES)
        : p.waitFor(killAfterNanos, TimeUnit.NANOSECONDS);
    if (!finished) {
      p.destroyForcibly(); // SIGKILL
      p.waitFor();
    }
    String out = Files.readString(stdout);
    Files.delete(stdout);
    Matcher m = TAG.matcher(out);
    return new Run(finished ? p.exitValue() : KILLED, m.find() ? new Tag(m.group(1)) : null);
  }

  private long timeChild(List<String> args) throws Exception {
    long t0 = System.nanoTime();
    assertThat(runChild(args, Long.MAX_VALUE).exitCode).isZero();
    return System.nanoTime() - t0;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private static void deleteTree(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
