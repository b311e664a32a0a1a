package dev.confide.image;

/** The names a layer's tar gives its entries, as paths inside the image's root. */
final class LayerPaths {
  /** The marker a layer puts into a directory to hide everything lower layers put there. */
  static final String OPAQUE = ".wh..wh..opq";
  /** The prefix of a marker that deletes the lower layers' entry of the rest of its name. */
  static final String WHITEOUT = ".wh.";

  private LayerPaths() {}

  /**
   * {@code name} as a relative path without {@code ./}, leading or trailing slashes ({@code ""}:
   * the root; empty and {@code .} parts dropped, {@code \\} read as {@code /}), or null when it
   * leaves the root ({@code ..}).
   */
  static String normalize(String name) {
    // the usual name ("./usr/lib/x", "usr/lib/", "usr/bin/tool") is a slice of itself: no parts built
    int from = 0;
    while (name.startsWith("./", from) || name.startsWith("/", from)) {
      from += name.charAt(from) == '.' ? 2 : 1;
    }
    int to = name.length();
    while (to > from && name.charAt(to - 1) == '/') {
      to--;
    }
    if (to > from && plain(name, from, to)) {
      return name.substring(from, to);
    }
    String n = name.replace('\\', '/');
    StringBuilder out = new StringBuilder();
    for (String part : n.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        return null;
      }
      if (!out.isEmpty()) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  /** Whether {@code name}'s characters from {@code from} to {@code to} are '/'-separated parts none of them empty, "." or "..", without '\\'. */
  private static boolean plain(String name, int from, int to) {
    int part = from;
    for (int i = from; i <= to; i++) {
      char c = i < to ? name.charAt(i) : '/';
      if (c == '\\') {
        return false;
      }
      if (c == '/') {
        int length = i - part;
        if (length == 0 || name.charAt(part) == '.' && (length == 1 || length == 2 && name.charAt(part + 1) == '.')) {
          return false;
        }
        part = i + 1;
      }
    }
    return true;
  }

  /** Whether {@code path} lies strictly inside {@code dir}. */
  static boolean inside(String path, String dir) {
    return path.startsWith(dir + "/");
  }
}
