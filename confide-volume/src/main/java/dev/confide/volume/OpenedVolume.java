package dev.confide.volume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A volume whose manifest has been authenticated at a tag; its objects are checked on use. */
public final class OpenedVolume {
  private final VolumeLayout layout;
  private final VolumeHeader header;
  private final Manifest manifest;
  private final Tag tag;
  private final boolean pinned;
  private final ObjectCodec codec;

  OpenedVolume(VolumeLayout layout, VolumeHeader header, Manifest manifest, Tag tag, boolean pinned,
      ObjectCodec codec) {
    this.layout = layout;
    this.header = header;
    this.manifest = manifest;
    this.tag = tag;
    this.pinned = pinned;
    this.codec = codec;
  }

  public VolumeId id() {
    return header.id();
  }

  public Manifest manifest() {
    return manifest;
  }

  public Tag tag() {
    return tag;
  }

  /** Whether the caller named the tag (rollback-protected) rather than taking the newest. */
  public boolean pinned() {
    return pinned;
  }

  /** Authenticates every byte of every object; writes nothing. */
  public void verify(Progress progress) {
    progress.start("verify", manifest.totalBytes());
    Progress shared = new SynchronizedProgress(progress);
    List<Parallel.Task> files = new ArrayList<>();
    for (List<Entry.File> members : manifest.objects().values()) {
      files.add(() -> {
        ObjectMembers group = new ObjectMembers(members.getFirst().object(), members);
        codec.open(layout.object(group.ref().id()), group, null, shared);
      });
    }
    try {
      Parallel.run(files, Parallel.defaultThreads());
    } catch (IOException e) {
      throw Io.failure("cannot read volume " + layout.dir(), e);
    } finally {
      progress.finish();
    }
  }

  /**
   * Decrypts the whole tree into {@code dest} (absent or empty). Nothing appears in {@code dest}
   * unless every object authenticated.
   */
  public void extractTo(Path dest, Progress progress) {
    extractTo(dest, progress, Modes.EXACT);
  }

  /** {@link #extractTo(Path, Progress)}, writing file modes as {@code modes} says. */
  public void extractTo(Path dest, Progress progress, Modes modes) {
    new Extractor(layout, codec, modes).extract(manifest, dest, progress);
  }
}
