package dev.confide.volume;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A random 16-byte object name; objects live at {@code objects/<first two hex>/<all hex>}. */
public record ObjectId(String hex) {
  public ObjectId {
    if (hex == null || !hex.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("an object id is 32 lowercase hex digits");
    }
  }

  static ObjectId random(SecureRandom random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return new ObjectId(HexFormat.of().formatHex(b));
  }

  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  /** Path relative to the volume directory. */
  public String relativePath() {
    return "objects/" + hex.substring(0, 2) + "/" + hex;
  }

  @Override
  public String toString() {
    return hex;
  }
}
