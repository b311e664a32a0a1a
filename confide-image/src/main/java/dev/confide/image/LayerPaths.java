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
   * the root), or null when it leaves the root ({@code ..}) or is empty in the middle.
   */
  static String normalize(String name) {
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

  /** Whether {@code path} lies strictly inside {@code dir}. */
  static boolean inside(String path, String dir) {
    return path.startsWith(dir + "/");
  }
}
