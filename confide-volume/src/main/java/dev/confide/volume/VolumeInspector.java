package dev.confide.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Non-secret facts about a volume, readable without its key. */
public final class VolumeInspector {
  private VolumeInspector() {}

  public static Facts inspect(Path volumeDir) {
    VolumeHeader header = VolumeHeader.read(volumeDir);
    List<Generation> generations = new ArrayList<>();
    for (Map.Entry<Long, Path> m : new VolumeLayout(volumeDir).manifests().entrySet()) {
      try {
        byte[] bytes = HostFile.read(m.getValue(), HostFile.MAX_MANIFEST);
        generations.add(new Generation(m.getKey(), Tag.of(bytes), bytes.length));
      } catch (IOException e) {
        throw Io.failure("cannot read " + m.getValue(), e);
      }
    }
    return new Facts(header.id(), header.formatVersion(), generations);
  }

  public record Facts(VolumeId id, int formatVersion, List<Generation> generations) {}

  /** One manifest present on disk; its tag is whatever the file hashes to, trusted or not. */
  public record Generation(long number, Tag tag, long manifestBytes) {}
}
