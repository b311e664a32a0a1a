package dev.confide.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Walks a source tree without following links, parents before children, names in sorted order.
 * Refuses devices, sockets, FIFOs, unreadable entries and unstorable names; a seal that was
 * already writing objects while the walk went on removes them.
 */
final class SourceScanner {
  private static final int S_IFMT = 0170000;
  private final List<String> excluded;

  /** {@code excluded}: top-level names to leave out (e.g. a tree's own manifest file). */
  SourceScanner(List<String> excluded) {
    this.excluded = List.copyOf(excluded);
  }

  SourceScanner() {
    this(List.of());
  }

  List<SourceEntry> scan(Path root) {
    return scan(root, file -> { });
  }

  /**
   * Walks {@code root}, handing each regular file to {@code onFile} as soon as it has passed every
   * check (so that its sealing can start while the walk goes on), and returns every entry.
   */
  List<SourceEntry> scan(Path root, Consumer<SourceEntry> onFile) {
    checkRoot(root);
    List<SourceEntry> out = new ArrayList<>();
    try {
      visit(root, "", out, onFile);
    } catch (IOException e) {
      throw Io.failure("cannot read source " + root, e);
    }
    return out;
  }

  /** The refusals that come before anything is written: a missing source, or one that is not a directory. */
  static void checkRoot(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new VolumeException(Failure.MISSING_INPUT, "source " + root + " does not exist",
          "check the path");
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new VolumeException(Failure.BAD_DATA, "source " + root + " is not a directory",
          "pass the directory to seal");
    }
  }

  private void visit(Path file, String path, List<SourceEntry> out, Consumer<SourceEntry> onFile) throws IOException {
    Map<String, Object> attrs = Files.readAttributes(file, "unix:mode,size,lastModifiedTime",
        LinkOption.NOFOLLOW_LINKS);
    int rawMode = (Integer) attrs.get("mode");
    int mode = rawMode & 07777;
    var mtime = ((java.nio.file.attribute.FileTime) attrs.get("lastModifiedTime")).toInstant();
    String display = EntryPath.display(path);
    SourceEntry regularFile = null;
    switch (rawMode & S_IFMT) {
      case 0040000 -> {
        out.add(new SourceEntry(path, file, SourceEntry.Kind.DIRECTORY, mode, mtime, 0, null));
        if (!Files.isReadable(file) || !Files.isExecutable(file)) {
          throw new VolumeException(Failure.MISSING_INPUT, "cannot read directory " + file,
              "give yourself read and search permission on it");
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(file)) {
          ds.forEach(children::add);
        }
        children.sort(null);
        for (Path child : children) {
          String name = child.getFileName().toString();
          if (path.isEmpty() && excluded.contains(name)) {
            continue;
          }
          visit(child, path.isEmpty() ? name : path + "/" + name, out, onFile);
        }
      }
      case 0100000 -> {
        if (!Files.isReadable(file)) {
          throw new VolumeException(Failure.MISSING_INPUT, "cannot read " + file,
              "give yourself read permission on it");
        }
        regularFile = new SourceEntry(path, file, SourceEntry.Kind.FILE, mode, mtime, (Long) attrs.get("size"), null);
        out.add(regularFile);
      }
      case 0120000 -> out.add(new SourceEntry(path, file, SourceEntry.Kind.SYMLINK, 0777, mtime, 0,
          Files.readSymbolicLink(file).toString()));
      default -> throw new VolumeException(Failure.BAD_DATA,
          display + " (" + file + ") is a " + kindName(rawMode & S_IFMT) + ", which a volume cannot hold",
          "remove it from the source or move it elsewhere; volumes hold files, directories and symlinks");
    }
    String problem = EntryPath.problem(path);
    if (problem != null) {
      throw new VolumeException(Failure.BAD_DATA, "cannot store " + file + ": " + problem,
          "shorten or rename it");
    }
    if (regularFile != null) {
      onFile.accept(regularFile);
    }
  }

  private static String kindName(int type) {
    return switch (type) {
      case 0140000 -> "socket";
      case 0060000 -> "block device";
      case 0020000 -> "character device";
      case 0010000 -> "FIFO";
      default -> "special file";
    };
  }
}
