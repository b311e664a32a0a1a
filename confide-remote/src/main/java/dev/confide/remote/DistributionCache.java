package dev.confide.remote;

import dev.confide.cas.common.KeyDigests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * Values computed over a runtime distribution's files (their manifest, the digest it has on
 * another host), kept beside it in a hidden file with a fingerprint of the files they were
 * computed from: each file's path, size, change time and inode. A run to a remote host needs both
 * and hashing the distribution's 120 MB again took a quarter of a second of every run; a rebuild
 * changes the fingerprint and the value is computed again. Where the distribution's folder is not
 * writable, nothing is kept.
 */
public final class DistributionCache {
  /** Computes the value, hashing the files. */
  @FunctionalInterface
  public interface Computation {
    String compute() throws IOException;
  }

  private DistributionCache() {}

  /** The value named {@code name} for the files below {@code home}, from its cache when the files are unchanged. */
  public static String get(Path home, String name, Computation computation) throws IOException {
    Path cache = home.resolve("." + name + ".cache");
    String fingerprint = fingerprint(home);
    if (Files.isRegularFile(cache)) {
      String kept = Files.readString(cache, StandardCharsets.UTF_8);
      int nl = kept.indexOf('\n');
      if (nl > 0 && kept.substring(0, nl).equals(fingerprint)) {
        return kept.substring(nl + 1);
      }
    }
    String value = computation.compute();
    try {
      Path partial = Files.createTempFile(home, "." + name, ".tmp");
      Files.writeString(partial, fingerprint + "\n" + value, StandardCharsets.UTF_8);
      Files.move(partial, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException notWritable) {
      // a distribution installed read-only: computed every time
    }
    return value;
  }

  private static String fingerprint(Path home) throws IOException {
    StringBuilder listing = new StringBuilder();
    try (Stream<Path> walk = Files.walk(home)) {
      List<Path> files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted().toList();
      for (Path f : files) {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        Object ctime = Files.getAttribute(f, "unix:ctime");
        listing.append(home.relativize(f)).append('\0').append(a.size()).append('\0').append(a.lastModifiedTime().toInstant())
            .append('\0').append(ctime).append('\0').append(a.fileKey()).append('\n');
      }
    }
    return java.util.HexFormat.of().formatHex(KeyDigests.sha256(listing.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
