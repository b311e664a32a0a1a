package dev.confide.remote;

import dev.confide.runtime.StagingArea;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * Where a run's ciphertext lives on the {@code local} host: a fresh 0700 directory, removed on
 * {@link #close()}. The staging area holds the plaintext in memory during the run anyway, so for
 * inputs up to {@link #IN_MEMORY_INPUTS} (and a quarter of the tmpfs's free space) the ciphertext
 * goes to the same tmpfs (locked like a
 * staging area, so a killed run's is swept by the next): it is thrown away after the run, and
 * writing it durably to disk (fsync) took a third of a second of every small run. Larger inputs go
 * to the data directory's {@code runs/}, locked and swept the same way.
 */
public final class LocalRunDirectory implements AutoCloseable {
  /** Inputs up to this size have their run directory in memory, beside the staging area. */
  static final long IN_MEMORY_INPUTS = 256L << 20;

  private final StagingArea.PrivateDirectory owned;

  private LocalRunDirectory(StagingArea.PrivateDirectory owned) {
    this.owned = owned;
  }

  public static LocalRunDirectory create(Path dataDir, Path inputs) throws IOException {
    long size = treeSize(inputs, IN_MEMORY_INPUTS);
    if (size <= IN_MEMORY_INPUTS) {
      Optional<Path> memory = StagingArea.memoryRoot(null);
      // the staging area needs room for the plaintext too (a container's /dev/shm may be 64 MiB)
      if (memory.isPresent() && Files.getFileStore(memory.get()).getUsableSpace() >= 4 * size + (16L << 20)) {
        return new LocalRunDirectory(StagingArea.privateDirectory(memory.get(), "ciphertext"));
      }
    }
    Path runs = dataDir.resolve("runs");
    if (dev.confide.volume.FileTrees.within(runs, inputs)) {
      throw new JobException(dev.confide.runtime.ExitCodes.CANT_CREATE, "inputs_hold_data", "the inputs " + inputs
          + " hold Confide's own data folder " + dataDir + ", where this run's sealed inputs would go: they would take in"
          + " themselves", "give inputs that do not contain " + dataDir + ", or set CONFIDE_DATA_DIR to a folder outside them");
    }
    // locked like the in-memory ones, so that what a killed run left here is swept by the next
    return new LocalRunDirectory(StagingArea.privateDirectory(Files.createDirectories(runs), "ciphertext"));
  }

  /** A run directory under the data directory's {@code runs/}, whatever the size: for outputs fetched later. */
  public static LocalRunDirectory onDisk(Path dataDir) throws IOException {
    return new LocalRunDirectory(StagingArea.privateDirectory(Files.createDirectories(dataDir.resolve("runs")), "ciphertext"));
  }

  public Path dir() {
    return owned.dir();
  }

  /** The bytes of regular files below {@code dir}, counted until {@code limit} is passed. */
  private static long treeSize(Path dir, long limit) throws IOException {
    long[] total = {0};
    try (var walk = Files.walk(dir)) {
      walk.takeWhile(p -> total[0] <= limit).filter(Files::isRegularFile).forEach(p -> total[0] += p.toFile().length());
    }
    return total[0];
  }

  @Override
  public void close() {
    try (var walk = Files.walk(owned.dir())) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // only ciphertext lives there; a leftover is harmless and the next run uses a new directory
    } finally {
      owned.close();
    }
  }
}
