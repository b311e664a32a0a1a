package dev.confide.attest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What runs, as one value a policy author puts into {@code mrenclave}.
 *
 * <p>Without measured trees (v1): SHA-256 over the label {@code confide measurement v1}, a zero
 * byte, the runtime digest, a zero byte, and the SHA-256 of the executable the command resolves
 * to (both as hex). With measured trees (v2, {@link MeasuredTree}): SHA-256 over {@code confide
 * measurement v2}, a zero byte, the runtime digest, a zero byte, the executable's SHA-256, a zero
 * byte, and the {@linkplain #treesDigest() trees' digest} (hex). A replaced {@code python3}, a
 * changed runtime or a changed file in a measured tree gives another value.
 */
public record Measurement(String value, String runtimeDigest, Path executable, String executableDigest, List<MeasuredTree> trees) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public Measurement {
    if (!HEX64.matcher(value).matches() || !HEX64.matcher(runtimeDigest).matches()
        || !HEX64.matcher(executableDigest).matches()) {
      throw new IllegalArgumentException("measurements and digests are 64 lower-case hex digits");
    }
    trees = trees == null ? List.of() : List.copyOf(trees);
  }

  public static Measurement of(String runtimeDigest, Path executable, String executableDigest) {
    return of(runtimeDigest, executable, executableDigest, List.of());
  }

  /** The measurement of a runtime, an executable and the trees it loads from (in any order: they are sorted by path). */
  public static Measurement of(String runtimeDigest, Path executable, String executableDigest, List<MeasuredTree> trees) {
    List<MeasuredTree> sorted = trees.stream().sorted(Comparator.comparing(MeasuredTree::path)).distinct().toList();
    if (sorted.stream().map(MeasuredTree::path).distinct().count() != sorted.size()) {
      throw new IllegalArgumentException("a tree is measured once");
    }
    MessageDigest md = Hashes.sha256();
    md.update((sorted.isEmpty() ? "confide measurement v1\0" : "confide measurement v2\0").getBytes(StandardCharsets.US_ASCII));
    md.update(runtimeDigest.getBytes(StandardCharsets.US_ASCII));
    md.update((byte) 0);
    md.update(executableDigest.getBytes(StandardCharsets.US_ASCII));
    if (!sorted.isEmpty()) {
      md.update((byte) 0);
      md.update(treesDigest(sorted).getBytes(StandardCharsets.US_ASCII));
    }
    return new Measurement(Hashes.hex(md.digest()), runtimeDigest, executable, executableDigest, sorted);
  }

  /**
   * The trees as one value (what a user confirms for a remote host beside the executable): SHA-256
   * over {@code path NUL digest LF} for each tree, sorted by path; empty when there are none.
   */
  public String treesDigest() {
    return trees.isEmpty() ? "" : treesDigest(trees);
  }

  private static String treesDigest(List<MeasuredTree> sorted) {
    MessageDigest md = Hashes.sha256();
    for (MeasuredTree t : sorted) {
      md.update((t.path() + "\0" + t.digest() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return Hashes.hex(md.digest());
  }
}
