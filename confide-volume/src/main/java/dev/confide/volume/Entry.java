package dev.confide.volume;

import java.time.Instant;

/**
 * One entry of a volume manifest. {@link #path()} is relative to the volume root, '/'-separated,
 * validated by {@link EntryPath}; the root directory itself has the empty path.
 */
public sealed interface Entry permits Entry.Directory, Entry.File, Entry.Symlink {
  String path();

  /** Permission bits (07777); 0777 for symbolic links, whose mode Linux ignores. */
  int mode();

  Instant mtime();

  record Directory(String path, int mode, Instant mtime) implements Entry {}

  /**
   * A regular file: its content is bytes {@code [offset, offset + size)} of the plaintext of
   * {@code object}. A large file has an object of its own (offset 0); small files share packs.
   */
  record File(String path, int mode, Instant mtime, long size, ObjectRef object, long offset) implements Entry {}

  /** A symbolic link, stored as its target text and never followed. */
  record Symlink(String path, int mode, Instant mtime, String target) implements Entry {}
}
