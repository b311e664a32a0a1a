package dev.confide.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Seals, opens and verifies one source tree several times in one JVM and prints each run's
 * times: run 1 is what a cold {@code confide} command pays, the later ones the warm cost.
 * Usage: {@code java -cp benchmarks.jar dev.confide.volume.WarmRuns SRC WORKDIR RUNS}.
 */
public final class WarmRuns {
  private WarmRuns() {}

  public static void main(String[] args) throws IOException {
    Path src = Path.of(args[0]);
    Path work = Files.createDirectories(Path.of(args[1]));
    int runs = Integer.parseInt(args[2]);
    for (int i = 1; i <= runs; i++) {
      Path vol = work.resolve("warm-vol");
      Path out = work.resolve("warm-out");
      SymmetricKey key = SymmetricKey.generate();
      long t0 = System.nanoTime();
      SealResult r = new VolumeSealer().seal(src, vol, key, Progress.NONE);
      long t1 = System.nanoTime();
      VolumeReader.load(vol, key, r.tag()).extractTo(out, Progress.NONE);
      long t2 = System.nanoTime();
      VolumeReader.load(vol, key, r.tag()).verify(Progress.NONE);
      long t3 = System.nanoTime();
      System.out.printf("run %d: seal %.2f s, open %.2f s, verify %.2f s%n", i, (t1 - t0) / 1e9,
          (t2 - t1) / 1e9, (t3 - t2) / 1e9);
      delete(vol);
      delete(out);
    }
  }

  private static void delete(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
