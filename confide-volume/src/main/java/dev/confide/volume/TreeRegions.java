package dev.confide.volume;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The parts of a directory an authenticated tree covers. A tree covers either the whole directory
 * (the one region {@code ""}) or some folders inside it (a converted image's {@code /usr} and
 * {@code /opt/app}, authenticated in one manifest at the image's root). The manifest needs no list
 * of its own: its regions are the items whose parent it does not hold. A region's ancestors are
 * not covered, but each must be a real directory, not a link, when the tree is read.
 */
final class TreeRegions {
  /** The whole directory. */
  static final List<String> WHOLE = List.of("");

  private TreeRegions() {}

  /**
   * Checks {@code regions} (relative, normalized paths; none inside another) and returns them
   * sorted; an empty list or {@code ""} means the whole directory.
   */
  static List<String> checked(List<String> regions) {
    if (regions.isEmpty() || regions.contains("")) {
      return WHOLE;
    }
    List<String> sorted = regions.stream().sorted().distinct().toList();
    for (String r : sorted) {
      String problem = EntryPath.problem(r);
      if (problem != null || r.startsWith("/") || r.endsWith("/") || !Path.of(r).normalize().toString().equals(r)
          || List.of(r.split("/")).contains("..")) {
        throw new IllegalArgumentException("region '" + r + "' is not a relative, normalized path");
      }
    }
    for (String r : sorted) {
      for (String other : sorted) {
        if (!r.equals(other) && other.startsWith(r + "/")) {
          throw new IllegalArgumentException("region '" + other + "' lies inside region '" + r + "'");
        }
      }
    }
    return sorted;
  }

  /** The regions of a manifest: its items whose parent it does not hold ({@code ""} for a whole tree). */
  static List<String> of(TreeManifest manifest) {
    Set<String> paths = new HashSet<>();
    manifest.items().forEach(i -> paths.add(i.path()));
    List<String> regions = new ArrayList<>();
    for (String p : paths) {
      int slash = p.lastIndexOf('/');
      if (p.isEmpty() || !paths.contains(slash < 0 ? "" : p.substring(0, slash))) {
        regions.add(p);
      }
    }
    return regions.stream().sorted().toList();
  }

  /**
   * Every entry of {@code regions} of {@code dir}, with paths relative to {@code dir}; {@code
   * excluded} applies to the whole tree's top level only.
   */
  static List<SourceEntry> scan(Path dir, List<String> regions, List<String> excluded, Consumer<SourceEntry> onFile) {
    if (regions.equals(WHOLE)) {
      return new SourceScanner(excluded).scan(dir, onFile);
    }
    SourceScanner.checkRoot(dir);
    List<SourceEntry> out = new ArrayList<>();
    for (String region : regions) {
      Path at = dir;
      for (String name : region.split("/")) {
        at = at.resolve(name);
        if (Files.isSymbolicLink(at) || !Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
          // a missing region is reported as missing items by the verifier; a link in its path is refused
          if (Files.isSymbolicLink(at)) {
            throw new VolumeException(Failure.INTEGRITY, dir.relativize(at) + " is a link, where the tree has a directory",
                "the tree was modified; restore it from a trusted copy");
          }
          at = null;
          break;
        }
      }
      if (at == null) {
        continue;
      }
      for (SourceEntry e : new SourceScanner().scan(at, onFile)) {
        String path = e.path().isEmpty() ? region : region + "/" + e.path();
        out.add(new SourceEntry(path, e.file(), e.kind(), e.mode(), e.mtime(), e.size(), e.linkTarget()));
      }
    }
    return out;
  }
}
