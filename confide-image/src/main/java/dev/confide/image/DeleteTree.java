package dev.confide.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Removes a folder and everything in it, never following a link out of it. */
final class DeleteTree {
  private DeleteTree() {}

  static void of(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      // an image's read-only folder can still be emptied by its owner
      Files.setAttribute(p, "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
      try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
        for (Path c : children) {
          of(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  /** As {@link #of}, for clean-up after a failure: what cannot be removed stays. */
  static void quietly(Path p) {
    try {
      of(p);
    } catch (IOException e) {
      // the work folder is a hidden temporary beside the output; a leftover is harmless
    }
  }
}
