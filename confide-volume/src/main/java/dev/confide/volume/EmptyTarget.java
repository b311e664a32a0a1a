package dev.confide.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The rule for every directory Confide writes into: absent (in an existing folder), or empty. */
final class EmptyTarget {
  private EmptyTarget() {}

  /**
   * @param role how refusals call it ("destination", "volume directory")
   * @param hint what to do when it is not empty
   * @return whether the directory already exists (and is empty)
   */
  static boolean check(Path target, String role, String hint) {
    Path parent = target.toAbsolutePath().normalize().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new VolumeException(Failure.MISSING_INPUT,
          "the folder that should hold " + target + " does not exist", "create " + parent + " first");
    }
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new VolumeException(Failure.CANNOT_CREATE, role + " " + target + " exists and is not a directory",
          "name a new or empty directory");
    }
    HostFile.requireOwnFolder(target, role);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(target)) {
      if (ds.iterator().hasNext()) {
        throw new VolumeException(Failure.CANNOT_CREATE, role + " " + target + " is not empty", hint);
      }
    } catch (IOException e) {
      throw Io.failure("cannot read " + role + " " + target, e);
    }
    return true;
  }
}
