package dev.confide.runtime;

import dev.confide.cas.api.RunConfiguration.Mount;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Places an injection file (its secrets already substituted). Inside a volume it becomes a file of
 * that volume; elsewhere it is a read-only file bound into the sandbox. It cannot go into the
 * read-only system directories, which the sandbox takes from the host.
 */
final class Injection {
  private Injection() {}

  static List<Sandbox.Bind> place(String path, String content, List<Mount> mounts, StagingArea staging, int index) {
    if (path == null || !path.startsWith("/") || path.contains("/../") || path.endsWith("/..")) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "injection file path '" + path + "' is not an absolute path",
          "fix the session's injection_files");
    }
    try {
      for (Mount m : mounts) {
        if (path.startsWith(m.path() + "/")) {
          writeInside(staging.volume(m.volume()), m, path.substring(m.path().length() + 1), content, path);
          return List.of();
        }
      }
      String system = dev.confide.policy.Image.hostSystemDirectoryOf(path);
      if (system != null) {
        throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "injection file " + path + " lies in " + system
            + ", which the sandbox takes read-only from the host", "inject it into a volume or another directory");
      }
      Files.createDirectories(staging.injections());
      Path file = staging.injections().resolve(Integer.toString(index));
      write(file, content);
      return List.of(new Sandbox.Bind(file, path, false));
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot write injection file " + path + ": " + e.getMessage(),
          "check the staging area's free memory", e);
    }
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * Writes {@code relative} inside a staged volume, component by component relative to open
   * directories, following no link: an earlier run's program may have left a link in its writable
   * volume (a folder swapped for a link to a host folder), and writing through it would put the
   * secret on the host's disk or change a host file. A link, or a file where a folder is needed,
   * is refused as an integrity violation.
   */
  private static void writeInside(Path volume, Mount m, String relative, String content, String path) throws IOException {
    List<String> parts = new ArrayList<>();
    for (String part : relative.split("/")) {
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    if (parts.isEmpty()) {
      throw new RuntimeFailure(RuntimeFailure.Kind.USAGE, "injection file path '" + path + "' names the volume's own folder",
          "name a file inside it in the session's injection_files");
    }
    Path where = volume;
    String shown = m.path();
    SecureDirectoryStream<Path> dir = DirectoryWipe.open(volume);
    try {
      for (String part : parts.subList(0, parts.size() - 1)) {
        Path name = Path.of(part);
        where = where.resolve(part);
        shown = shown + "/" + part;
        BasicFileAttributes a = attributes(dir, name);
        if (a == null) {
          Files.createDirectory(where);
        } else if (!a.isDirectory()) {
          throw refused(path, m, shown, a);
        }
        SecureDirectoryStream<Path> next = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        dir.close();
        dir = next;
      }
      Path name = Path.of(parts.getLast());
      BasicFileAttributes a = attributes(dir, name);
      if (a != null && !a.isRegularFile()) {
        throw refused(path, m, shown + "/" + name, a);
      }
      if (a != null) {
        dir.deleteFile(name);
      }
      try (SeekableByteChannel out = dir.newByteChannel(name, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          out.write(bytes);
        }
      }
    } catch (FileSystemException e) {
      if ("Too many levels of symbolic links".equals(e.getReason()) || e.getReason() != null && e.getReason().contains("ELOOP")) {
        throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "injection file " + path + ": a folder on its way in volume "
            + m.volume() + " became a symbolic link while it was written", "the volume was changed on the host: do not use it", e);
      }
      throw e;
    } finally {
      dir.close();
    }
  }

  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    try {
      return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    } catch (NoSuchFileException absent) {
      return null;
    }
  }

  private static RuntimeFailure refused(String path, Mount m, String shown, BasicFileAttributes a) {
    String what = a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "a folder" : "not a folder";
    return new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "injection file " + path + ": " + shown + " in volume "
        + m.volume() + " is " + what + "; an injection file is never written through a link or over a folder",
        "the volume holds what an earlier program left there: remove it from the volume, or inject the file elsewhere");
  }
}
