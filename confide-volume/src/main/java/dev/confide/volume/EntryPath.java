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
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "it is longer than " + MAX_BYTES + " bytes";
    }
    if (path.startsWith("/")) {
      return "it is absolute";
    }
    if (path.indexOf('\0') >= 0) {
      return "it contains a NUL byte";
    }
    for (String component : path.split("/", -1)) {
      if (component.isEmpty() || component.equals(".") || component.equals("..")) {
        return "it has a '" + component + "' component that could leave the destination";
      }
    }
    return null;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String display(String path) {
    return "/" + path;
  }
}
