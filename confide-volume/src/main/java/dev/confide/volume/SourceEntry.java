package dev.confide.volume;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** One item found in a source tree: where it is on disk and what it is. */
record SourceEntry(String path, Path file, Kind kind, int mode, Instant mtime, long size,
    String linkTarget) {
  enum Kind { DIRECTORY, FILE, SYMLINK }

  /** The bytes of all the regular files among {@code entries} (only files have a size). */
  static long totalSize(List<SourceEntry> entries) {
    return entries.stream().mapToLong(SourceEntry::size).sum();
  }
}
