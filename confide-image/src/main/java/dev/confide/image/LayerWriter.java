package dev.confide.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * One uncompressed layer being written: directories, files and links at image paths, owned by
 * root, with the modes given or found. Entry times are fixed (the epoch), so that the same input
 * gives the same layer.
 */
final class LayerWriter implements AutoCloseable {
  private static final Date EPOCH = new Date(0);
  private final TarArchiveOutputStream tar;

  LayerWriter(OutputStream out) {
    tar = tarStream(out);
  }

  /**
   * A layer's tar stream as Confide writes every layer: 64 KiB blocks, POSIX headers for long
   * names, large numbers and names that are not ASCII.
   */
  static TarArchiveOutputStream tarStream(OutputStream out) {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 1 << 16);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    return tar;
  }

  void directory(String imagePath, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name(imagePath) + "/", TarConstants.LF_DIR);
    e.setMode(040000 | mode);
    header(e);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  void file(String imagePath, Path source, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name(imagePath), TarConstants.LF_NORMAL);
    e.setMode(0100000 | mode);
    e.setSize(Files.size(source));
    header(e);
    tar.putArchiveEntry(e);
    try (var in = Files.newInputStream(source)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  void file(String imagePath, byte[] content, int mode) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name(imagePath), TarConstants.LF_NORMAL);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    header(e);
    tar.putArchiveEntry(e);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  void symlink(String imagePath, String target) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name(imagePath), TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    e.setMode(0120777);
    header(e);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  /** {@code local} and everything in it at {@code imagePath}, with the modes and links it has here. */
  void tree(String imagePath, Path local) throws IOException {
    entry(imagePath, local);
    if (Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(local)) {
        ds.forEach(children::add);
      }
      children.sort(null);
      for (Path c : children) {
        tree(imagePath + "/" + c.getFileName(), c);
      }
    }
  }

  /** {@code local} at {@code imagePath} (a folder without what it holds), with the mode or link it has here. */
  void entry(String imagePath, Path local) throws IOException {
    Map<String, Object> attrs = Files.readAttributes(local, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) attrs.get("mode") & 07777;
    if (Files.isSymbolicLink(local)) {
      symlink(imagePath, Files.readSymbolicLink(local).toString());
    } else if (Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
      directory(imagePath, mode);
    } else if (Files.isRegularFile(local, LinkOption.NOFOLLOW_LINKS)) {
      file(imagePath, local, mode);
    }
  }

  private static void header(TarArchiveEntry e) {
    e.setModTime(EPOCH);
    e.setUserId(0);
    e.setGroupId(0);
    e.setUserName("root");
    e.setGroupName("root");
  }

  private static String name(String imagePath) {
    String n = LayerPaths.normalize(imagePath);
    if (n == null || n.isEmpty()) {
      throw new IllegalArgumentException("not a path inside the image: " + imagePath);
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    tar.finish();
    tar.flush();
  }
}
