package dev.confide.volume;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The tag of a volume state (or tree): SHA-256 of its manifest file, as 64 lowercase hex digits. */
public record Tag(String hex) {
  public Tag {
    if (hex == null || !hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a tag is 64 lowercase hex digits");
    }
  }

  /** Parses user input; a malformed tag is a {@link Failure#BAD_DATA} refusal. */
  public static Tag parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT);
    if (!t.matches("[0-9a-f]{64}")) {
      throw new VolumeException(Failure.BAD_DATA, "'" + text + "' is not a tag (expected 64 hex digits)",
          "pass the tag that seal, update or authenticate printed");
    }
    return new Tag(t);
  }

  public static Tag of(byte[] manifestFile) {
    return new Tag(HexFormat.of().formatHex(sha256(manifestFile)));
  }

  static byte[] sha256(byte[] data) {
    return sha256().digest(data);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return hex;
  }
}
