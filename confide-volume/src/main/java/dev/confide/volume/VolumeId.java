package dev.confide.volume;

import java.security.SecureRandom;
import java.util.HexFormat;

/** A volume's public, random 16-byte identity, as 32 lowercase hex digits. */
public record VolumeId(String hex) {
  public VolumeId {
    if (hex == null || !hex.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("a volume id is 32 lowercase hex digits");
    }
  }

  public static VolumeId random() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return new VolumeId(HexFormat.of().formatHex(b));
  }

  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
