package dev.confide.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plaintext {@code VOLUME} file: format version, volume id and key check value. Holds no
 * secret; everything in it is either public or checked against the encrypted manifest.
 */
public record VolumeHeader(int formatVersion, VolumeId id, String keyCheck) {
  public static final String FILE_NAME = "VOLUME";
  public static final int FORMAT_VERSION = 1;
  private static final String MAGIC = "confide-volume";

  static VolumeHeader create(VolumeId id, VolumeKeys keys) {
    return new VolumeHeader(FORMAT_VERSION, id, keys.keyCheck());
  }

  String render() {
    return MAGIC + "\nformat " + formatVersion + "\nid " + id.hex() + "\nkey-check " + keyCheck + "\n";
  }

  void write(Path volumeDir) throws IOException {
    AtomicFiles.write(volumeDir.resolve(FILE_NAME), render().getBytes(StandardCharsets.US_ASCII));
  }

  public static VolumeHeader read(Path volumeDir) {
    Path file = volumeDir.resolve(FILE_NAME);
    if (!Files.isDirectory(volumeDir)) {
      throw new VolumeException(Failure.MISSING_INPUT, "volume " + volumeDir + " does not exist",
          "check the path; 'confide volume seal' creates a volume");
    }
    String text;
    try {
      HostFile.requireRegular(file);
      if (Files.size(file) > 4096) {
        throw malformed(file, "it is too large");
      }
      text = new String(HostFile.read(file, 4096), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new VolumeException(Failure.BAD_DATA,
          volumeDir + " is not a Confide volume (it has no " + FILE_NAME + " file)",
          "pass a directory made by 'confide volume seal'");
    } catch (IOException e) {
      throw Io.failure("cannot read " + file, e);
    }
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals(MAGIC)) {
      throw malformed(file, "it does not start with '" + MAGIC + "'");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String[] kv = lines[i].split(" ", 2);
      if (kv.length != 2 || fields.put(kv[0], kv[1]) != null) {
        throw malformed(file, "line " + (i + 1) + " is not 'name value' or repeats a name");
      }
    }
    String format = fields.get("format");
    if (!"1".equals(format)) {
      throw new VolumeException(Failure.BAD_DATA,
          file + " has format " + format + ", this Confide reads format " + FORMAT_VERSION,
          "use a Confide version that supports format " + format);
    }
    String id = fields.get("id");
    String check = fields.get("key-check");
    if (id == null || !id.matches("[0-9a-f]{32}") || check == null || !check.matches("[0-9a-f]{64}")
        || fields.size() != 3) {
      throw malformed(file, "its id or key-check field is missing or malformed");
    }
    return new VolumeHeader(FORMAT_VERSION, new VolumeId(id), check);
  }

  private static VolumeException malformed(Path file, String why) {
    return new VolumeException(Failure.BAD_DATA, file + " is malformed: " + why,
        "restore the volume from a copy; the header holds no secret and can be rewritten by 'seal'");
  }
}
