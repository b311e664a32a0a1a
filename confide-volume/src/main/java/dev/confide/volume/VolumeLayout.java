package dev.confide.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where things are inside a volume directory. */
final class VolumeLayout {
  static final String OBJECTS = "objects";
  static final String LOCK = "LOCK";
  private static final Pattern MANIFEST = Pattern.compile("manifest\\.([1-9][0-9]{0,18})");

  private final Path dir;

  VolumeLayout(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path object(ObjectId id) {
    return dir.resolve(id.relativePath());
  }

  Path manifest(long generation) {
    return dir.resolve(manifestName(generation));
  }

  static String manifestName(long generation) {
    return "manifest." + generation;
  }

  /** objects/00 to objects/ff, made once so that sealing a file never has to create a folder. */
  void createObjectDirectories() throws IOException {
    Path objects = Files.createDirectory(dir.resolve(OBJECTS));
    for (int i = 0; i < 256; i++) {
      Files.createDirectory(objects.resolve(String.format("%02x", i)));
    }
  }

  /** The manifest files present, by generation. */
  Map<Long, Path> manifests() {
    Map<Long, Path> found = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "manifest.*")) {
      for (Path p : ds) {
        Matcher m = MANIFEST.matcher(p.getFileName().toString());
        if (m.matches()) {
          found.put(Long.parseLong(m.group(1)), p);
        }
      }
    } catch (IOException e) {
      throw Io.failure("cannot list volume " + dir, e);
    }
    return found;
  }
}
