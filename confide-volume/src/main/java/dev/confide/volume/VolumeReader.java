package dev.confide.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Opens a volume at a given tag: checks the key against the header, finds the manifest whose
 * SHA-256 is the tag (refusing rollback and substitution), and decrypts it. The returned {@link
 * OpenedVolume} then verifies or extracts the objects.
 */
public final class VolumeReader {
  private VolumeReader() {}

  /**
   * @param tag the tag the caller trusts (from the CAS); {@code null} means the newest generation
   *     present, which gives no rollback protection and is only for inspection.
   */
  public static OpenedVolume load(Path volumeDir, SymmetricKey key, Tag tag) {
    VolumeHeader header = VolumeHeader.read(volumeDir);
    VolumeKeys keys = VolumeKeys.derive(key, header.id());
    if (!java.security.MessageDigest.isEqual(keys.keyCheck().getBytes(), header.keyCheck().getBytes())) {
      throw new VolumeException(Failure.DENIED,
          "the key does not open volume " + header.id() + " (wrong key, or its VOLUME file was altered)",
          "pass the key file that was written when this volume was sealed");
    }
    VolumeLayout layout = new VolumeLayout(volumeDir);
    Map<Long, Path> manifests = layout.manifests();
    if (manifests.isEmpty()) {
      throw new VolumeException(Failure.INTEGRITY, "volume " + volumeDir + " has no manifest",
          "the manifest was deleted; restore the volume from a trusted copy");
    }
    long generation = -1;
    byte[] file = null;
    Tag found = null;
    StringJoiner present = new StringJoiner(", ");
    for (Map.Entry<Long, Path> m : manifests.entrySet()) {
      byte[] bytes = readManifest(m.getValue());
      Tag t = Tag.of(bytes);
      present.add("generation " + m.getKey() + " has tag " + t.hex().substring(0, 12) + "…");
      if (tag == null ? m.getKey() > generation : t.equals(tag)) {
        generation = m.getKey();
        file = bytes;
        found = t;
      }
    }
    if (file == null) {
      throw new VolumeException(Failure.INTEGRITY,
          "no manifest of volume " + volumeDir + " has tag " + tag + " (" + present
              + "): the volume was rolled back or its manifest replaced, or the tag is wrong",
          "pass the tag that the last seal or update printed; if it is right, restore the volume from a trusted copy");
    }
    ManifestCipher cipher = new ManifestCipher(keys, header.id());
    Manifest manifest = cipher.open(file, VolumeLayout.manifestName(generation), generation);
    return new OpenedVolume(layout, header, manifest, found, tag != null,
        new ObjectCodec(keys.objectsIkm(), header.id(), checkedSegmentSize(manifest)));
  }

  private static int checkedSegmentSize(Manifest m) {
    if (m.segmentSize() < 1024 || m.segmentSize() > (64 << 20)) {
      throw new VolumeException(Failure.INTEGRITY,
          "the manifest records segment size " + m.segmentSize() + ", outside 1 KiB to 64 MiB",
          "the volume was crafted; restore it from a trusted copy");
    }
    return m.segmentSize();
  }

  private static byte[] readManifest(Path p) {
    try {
      return HostFile.read(p, HostFile.MAX_MANIFEST);
    } catch (IOException e) {
      throw Io.failure("cannot read " + p, e);
    }
  }
}
