package dev.confide.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Walks a source tree without following links, parents before children, names in sorted order.
 * Refuses devices, sockets and FIFOs before anything is written.
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
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new VolumeException(Failure.MISSING_INPUT, "source " + root + " does not exist",
          "check the path");
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new VolumeException(Failure.BAD_DATA, "source " + root + " is not a directory",
          "pass the directory to seal");
    }
    List<SourceEntry> out = new ArrayList<>();
    try {
      visit(root, "", out);
    } catch (IOException e) {
      throw Io.failure("cannot read source " + root, e);
    }
    return out;
  }

  private void visit(Path file, String path, List<SourceEntry> out) throws IOException {
    Map<String, Object> attrs = Files.readAttributes(file, "unix:mode,size,lastModifiedTime",
        LinkOption.NOFOLLOW_LINKS);
    int rawMode = (Integer) attrs.get("mode");
    int mode = rawMode & 07777;
    var mtime = ((java.nio.file.attribute.FileTime) attrs.get("lastModifiedTime")).toInstant();
    String display = EntryPath.display(path);
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
          visit(child, path.isEmpty() ? name : path + "/" + name, out);
        }
      }
      case 0100000 -> {
        if (!Files.isReadable(file)) {
          throw new VolumeException(Failure.MISSING_INPUT, "cannot read " + file,
              "give yourself read permission on it");
        }
        out.add(new SourceEntry(path, file, SourceEntry.Kind.FILE, mode, mtime,
            (Long) attrs.get("size"), null));
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
