package dev.confide.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where things are inside a volume directory. */
final class VolumeLayout {
  static final String OBJECTS = "objects";
  static final String LOCK = "LOCK";
  private static final Pattern MANIFEST = Pattern.compile("manifest\\.([1-9][0-9]{0,18})");

  private final Path dir;
  private final Set<Path> preparedPrefixes = ConcurrentHashMap.newKeySet();

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

  /**
   * The objects folder of a new volume. Its 256 prefix folders are made as objects need them
   * ({@link #objectToCreate}): making all of them up front cost a 10,000-file seal (ten packs)
   * about 70 ms on an ext4 disk here, at ~0.27 ms a {@code mkdir}.
   */
  void createObjectsFolder() throws IOException {
    Files.createDirectory(dir.resolve(OBJECTS), HostFile.OWNER_ONLY_DIRECTORY);
  }

  /**
   * The path for a new object, its prefix folder made if this layout has not seen it yet. Safe
   * from several threads; the seal's final {@code syncfs} makes the folder durable with the object.
   */
  Path objectToCreate(ObjectId id) throws IOException {
    Path file = object(id);
    Path prefix = file.getParent();
    if (!preparedPrefixes.contains(prefix)) {
      try {
        Files.createDirectory(prefix, HostFile.OWNER_ONLY_DIRECTORY);
      } catch (FileAlreadyExistsException e) {
        // made by an earlier generation, or by another thread a moment ago
      }
      preparedPrefixes.add(prefix);
    }
    return file;
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
