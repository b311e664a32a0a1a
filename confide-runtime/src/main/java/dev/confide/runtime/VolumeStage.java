package dev.confide.runtime;

import dev.confide.cas.api.RunConfiguration.Mount;
import dev.confide.policy.VolumeSpec;
import dev.confide.volume.OpenedVolume;
import dev.confide.volume.Progress;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.VolumeException;
import dev.confide.volume.VolumeHeader;
import dev.confide.volume.VolumeReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a volume into the staging area. A rollback-protected volume must be exactly at the tag the
 * CAS holds; one the CAS has no tag for yet must not exist on the host (a volume there could be
 * anything). Volumes without rollback protection open at their newest authentic generation.
 */
final class VolumeStage {
  private VolumeStage() {}

  /** Opens the volume into {@code staged}; returns the tag it was at, or null for a new volume. */
  static Tag open(Mount mount, Path hostDir, Path staged, Progress progress) {
    try {
      Files.createDirectories(staged);
    } catch (IOException e) {
      throw new RuntimeFailure(RuntimeFailure.Kind.IO, "cannot create " + staged + ": " + e.getMessage(), "check the staging area", e);
    }
    boolean present = Files.exists(hostDir.resolve(VolumeHeader.FILE_NAME));
    boolean protectedVolume = VolumeSpec.ROLLBACK_PROTECTED.equals(mount.updatePolicy());
    if (mount.tag() == null && protectedVolume) {
      if (present) {
        throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "volume " + mount.volume() + " (" + hostDir
            + ") holds data, but the CAS has no committed state for it: it was not written by an attested run",
            "give an empty directory for a new volume, or the directory that holds its committed state");
      }
      return null;
    }
    if (!present) {
      if (protectedVolume) {
        throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "volume " + mount.volume() + " is missing from " + hostDir
            + ": the CAS expects its state at tag " + mount.tag(), "give the directory that holds the volume");
      }
      return null;
    }
    SymmetricKey key = mount.key();
    try {
      OpenedVolume opened = VolumeReader.load(hostDir, key, protectedVolume ? mount.tag() : null);
      opened.extractTo(staged, progress);
      return opened.tag();
    } catch (VolumeException e) {
      if (e.failure() == dev.confide.volume.Failure.DENIED || e.failure() == dev.confide.volume.Failure.BAD_DATA) {
        // the key came from the CAS, the one the volume was sealed under, and the volume from the
        // host: a header that no longer fits it, or no longer parses, was changed there
        throw new VolumeException(dev.confide.volume.Failure.INTEGRITY, "volume " + mount.volume() + " (" + hostDir
            + ") was altered on the host: " + (e.failure() == dev.confide.volume.Failure.DENIED
                ? "the key the CAS holds for it no longer opens its VOLUME file" : "its VOLUME file no longer parses"),
            "run it again; if it recurs, the host is not to be trusted", e);
      }
      throw new VolumeException(e.failure(), "volume " + mount.volume() + " (" + hostDir + "): " + e.getMessage(), e.hint(), e);
    }
  }
}
