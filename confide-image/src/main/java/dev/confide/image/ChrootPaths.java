package dev.confide.image;

import dev.confide.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Paths inside an unpacked image, resolved as the kernel would inside the container: an absolute
 * link target starts at the image's root and {@code ..} stops there, so that no link of the image
 * leads out of the folder it is unpacked into.
 */
final class ChrootPaths {
  private static final int MAX_LINKS = 40;

  private ChrootPaths() {}

  /**
   * {@code path} (absolute inside the image, or relative to its root) as a path on this machine
   * under {@code root}; links on the way are followed, the last one too when {@code followLast}.
   */
  static Path resolve(Path root, String path, boolean followLast) {
    Deque<String> pending = new ArrayDeque<>(List.of(path.split("/")));
    Deque<String> resolved = new ArrayDeque<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        resolved.pollLast();
        continue;
      }
      Path here = join(root, resolved).resolve(part);
      if (Files.isSymbolicLink(here) && (followLast || !pending.isEmpty())) {
        if (++links > MAX_LINKS) {
          throw new ImageException(ExitCodes.DATA, "too many links on the way to " + path + " in the image",
              "the image is malformed; check its links");
        }
        String target;
        try {
          target = Files.readSymbolicLink(here).toString();
        } catch (IOException e) {
          throw new ImageException(ExitCodes.IO, "cannot read the link " + here + ": " + e.getMessage(), "check the work folder");
        }
        if (target.startsWith("/")) {
          resolved.clear();
        }
        List<String> parts = List.of(target.split("/"));
        for (int i = parts.size() - 1; i >= 0; i--) {
          pending.addFirst(parts.get(i));
        }
        continue;
      }
      resolved.addLast(part);
    }
    return join(root, resolved);
  }

  /** The image path (absolute) of {@code file} under {@code root}. */
  static String imagePath(Path root, Path file) {
    return "/" + root.relativize(file).toString();
  }

  private static Path join(Path root, Deque<String> parts) {
    Path p = root;
    for (String s : parts) {
      p = p.resolve(s);
    }
    return p;
  }
}
