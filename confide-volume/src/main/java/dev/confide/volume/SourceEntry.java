package dev.confide.volume;

import java.nio.file.Path;
import java.time.Instant;

/** One item found in a source tree: where it is on disk and what it is. */
record SourceEntry(String path, Path file, Kind kind, int mode, Instant mtime, long size,
    String linkTarget) {
  enum Kind { DIRECTORY, FILE, SYMLINK }
}
