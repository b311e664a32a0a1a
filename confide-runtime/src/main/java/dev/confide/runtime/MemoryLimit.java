package dev.confide.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A limit on the memory of a run's program, kept by the kernel's memory controller (cgroup v1: a
 * group of its own under the runtime's own, {@code memory.limit_in_bytes} with swap capped too).
 * The program is in the group before it runs anything: its shell writes its own process id into
 * the group, then becomes bubblewrap. Afterwards the group says whether the kernel's OOM killer
 * ended the program, and the most memory it used. Where no memory controller can be written
 * (cgroup v2 without a delegated group, no root), a run that asks for a limit is refused rather
 * than run without one.
 */
final class MemoryLimit implements AutoCloseable {
  private static final Path V1 = Path.of("/sys/fs/cgroup/memory");

  private final Path group;
  private final long bytes;

  private MemoryLimit(Path group, long bytes) {
    this.group = group;
    this.bytes = bytes;
  }

  /** A new group {@code name} limited to {@code bytes}, or a refusal naming what is missing. */
  static MemoryLimit create(long bytes, String name) {
    if (!Files.isDirectory(V1)) {
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "this host has no cgroup v1 memory controller (" + V1
          + ") to limit the program's memory with; limits through cgroup v2 are not built yet", "run without --memory");
    }
    Optional<Path> own = ownV1Group();
    if (own.isEmpty()) {
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "the runtime may not make a memory group under " + V1
          + " (its own group is not writable: limits need root or a delegated group)", "run without --memory");
    }
    Path group = own.get().resolve(name);
    try {
      Files.createDirectory(group);
      write(group.resolve("memory.limit_in_bytes"), bytes);
      Path swap = group.resolve("memory.memsw.limit_in_bytes");
      if (Files.exists(swap)) {
        write(swap, bytes);
      }
      return new MemoryLimit(group, bytes);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(group);
      } catch (IOException ignored) {
        // nothing was made
      }
      throw new RuntimeFailure(RuntimeFailure.Kind.UNAVAILABLE, "cannot make a memory group for the program in "
          + own.get() + " (" + e.getMessage() + "): limits need root or a delegated group", "run without --memory");
    }
  }

  /** The runtime's own v1 memory group, as {@code /proc/self/cgroup} names it, where it can be written. */
  private static Optional<Path> ownV1Group() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        String[] f = line.split(":", 3);
        if (f.length == 3 && f[1].equals("memory")) {
          Path own = V1.resolve(f[2].substring(1));
          return Files.isDirectory(own) && Files.isWritable(own) ? Optional.of(own) : Optional.empty();
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** {@code argv} started inside the group: a shell puts itself there, then becomes {@code argv}. */
  List<String> wrap(List<String> argv) {
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && shift && exec \"$@\"",
        group.resolve("cgroup.procs").toString(), "--"));
    wrapped.addAll(argv);
    return wrapped;
  }

  /** What the group saw of the program, read after it ended. */
  RunReport.MemoryUse use() {
    long peak = read(group.resolve("memory.max_usage_in_bytes"));
    boolean killed = false;
    try {
      for (String line : Files.readAllLines(group.resolve("memory.oom_control"))) {
        if (line.startsWith("oom_kill ") && Long.parseLong(line.substring(9).strip()) > 0) {
          killed = true;
        }
      }
    } catch (IOException | NumberFormatException e) {
      killed = read(group.resolve("memory.failcnt")) > 0 && peak >= bytes;
    }
    return new RunReport.MemoryUse(bytes, peak, killed);
  }

  private static long read(Path file) {
    try {
      return Long.parseLong(Files.readString(file).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static void write(Path file, long value) throws IOException {
    Files.writeString(file, Long.toString(value), StandardCharsets.US_ASCII);
  }

  /** Removes the group (its processes have ended). */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(group);
    } catch (IOException e) {
      // a process still in it: the kernel keeps it until it ends; nothing of the run's is in it
    }
  }
}
