package dev.confide.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes a tree relative to open directories ({@code openat}/{@code unlinkat} through
 * {@link SecureDirectoryStream}), never by path and never through a link: a tree a sandboxed
 * program wrote, or one in a folder other users can write, may hold links, or have a part swapped
 * for a link while it is removed, pointing at files the remover may delete (root's, say). A link
 * is removed as a link; what it points to is never touched.
 */
final class DirectoryWipe {
  private DirectoryWipe() {}

  /** Opens {@code dir} as a secure stream, or fails: this file system cannot remove trees safely. */
  static SecureDirectoryStream<Path> open(Path dir) throws IOException {
    DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return secure;
    }
    stream.close();
    throw new IOException("the file system of " + dir + " cannot remove trees relative to open directories");
  }

  /** Removes {@code name} (a directory, a file or a link) in {@code parent}, and all below it; absent is fine. */
  static void remove(SecureDirectoryStream<Path> parent, Path name) throws IOException {
    BasicFileAttributes a;
    try {
      a = parent.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
    } catch (java.nio.file.NoSuchFileException gone) {
      return;
    }
    if (!a.isDirectory()) {
      parent.deleteFile(name);
      return;
    }
    try {
      // a program may leave folders without permissions; the remover owns them (only the mode changes)
      parent.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setPermissions(PosixFilePermissions.fromString("rwx------"));
    } catch (IOException notNeeded) {
      // opening below fails next if it was needed
    }
    try (SecureDirectoryStream<Path> child = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
      removeBelow(child);
    }
    parent.deleteDirectory(name);
  }

  /** Removes everything inside {@code dir}, keeping {@code dir}. */
  static void removeBelow(SecureDirectoryStream<Path> dir) throws IOException {
    List<Path> names = new ArrayList<>();
    for (Path entry : dir) {
      names.add(entry.getFileName());
    }
    for (Path name : names) {
      remove(dir, name);
    }
  }

  /** Removes {@code tree} and everything below it, relative to its parent opened once. */
  static void remove(Path tree) throws IOException {
    Path abs = tree.toAbsolutePath();
    try (SecureDirectoryStream<Path> parent = open(abs.getParent())) {
      remove(parent, abs.getFileName());
    }
  }
}
