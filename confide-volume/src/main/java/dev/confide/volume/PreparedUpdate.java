package dev.confide.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A new generation written beside the old one. The old generation stays openable until {@link
 * #commit()}, which the caller invokes only once the new tag is acknowledged (recorded by the CAS,
 * or printed to the user); commit then removes what only older generations used.
 */
public final class PreparedUpdate implements AutoCloseable {
  private final VolumeLayout layout;
  private final Manifest manifest;
  private final SealResult result;
  private final VolumeLock lock;
  private boolean closed;

  PreparedUpdate(VolumeLayout layout, Manifest manifest, SealResult result, VolumeLock lock) {
    this.layout = layout;
    this.manifest = manifest;
    this.result = result;
    this.lock = lock;
  }

  public SealResult result() {
    return result;
  }

  /** Deletes older manifests, unreferenced objects and leftovers of dead updates. */
  public GarbageCollection commit() {
    try {
      return collect(layout, manifest);
    } finally {
      close();
    }
  }

  static GarbageCollection collect(VolumeLayout layout, Manifest keep) {
    Set<String> live = new HashSet<>();
    for (Entry e : keep.entries()) {
      if (e instanceof Entry.File f) {
        live.add(f.object().id().hex());
      }
    }
    long objects = 0;
    long manifests = 0;
    try {
      for (Map.Entry<Long, Path> m : layout.manifests().entrySet()) {
        if (m.getKey() != keep.generation()) {
          Files.deleteIfExists(m.getValue());
          manifests++;
        }
      }
      try (DirectoryStream<Path> temps = Files.newDirectoryStream(layout.dir(), "*" + AtomicFiles.TEMP_SUFFIX)) {
        for (Path t : temps) {
          Files.deleteIfExists(t);
        }
      }
      Path objectsDir = layout.dir().resolve(VolumeLayout.OBJECTS);
      try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(objectsDir)) {
        for (Path prefix : prefixes) {
          try (DirectoryStream<Path> files = Files.newDirectoryStream(prefix)) {
            for (Path f : files) {
              if (!live.contains(f.getFileName().toString())) {
                Files.deleteIfExists(f);
                objects++;
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw Io.failure("cannot remove old data from volume " + layout.dir(), e);
    }
    return new GarbageCollection(manifests, objects);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      lock.close();
    }
  }

  /** How much an update's commit removed. */
  public record GarbageCollection(long manifestsRemoved, long objectsRemoved) {}
}
