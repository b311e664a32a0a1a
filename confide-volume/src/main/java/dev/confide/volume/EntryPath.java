package dev.confide.volume;

import java.nio.charset.StandardCharsets;

/**
 * The rules for entry paths, which decide that no manifest, however crafted, can name a place
 * outside the destination: relative, '/'-separated, no empty, '.' or '..' component, no NUL.
 */
final class EntryPath {
  static final int MAX_BYTES = 4096;

  private EntryPath() {}

  /** Returns null when {@code path} is acceptable, else why not. */
  static String problem(String path) {
    if (path.isEmpty()) {
      return null; // the root
    }
    // checked for every entry of a manifest or an image's tree: one pass over the characters, no
    // split, no encoding unless a character is not ASCII
    if (bytes(path) > MAX_BYTES) {
      return "it is longer than " + MAX_BYTES + " bytes";
    }
    if (path.startsWith("/")) {
      return "it is absolute";
    }
    if (path.indexOf('\0') >= 0) {
      return "it contains a NUL byte";
    }
    int start = 0;
    for (int i = 0; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        int length = i - start;
        if (length == 0 || path.charAt(start) == '.' && (length == 1 || length == 2 && path.charAt(start + 1) == '.')) {
          return "it has a '" + path.substring(start, i) + "' component that could leave the destination";
        }
        start = i + 1;
      }
    }
    return null;
  }

  /** {@code path}'s length in UTF-8. */
  private static int bytes(String path) {
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) >= 0x80) {
        return path.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return path.length();
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String display(String path) {
    return "/" + path;
  }
}
