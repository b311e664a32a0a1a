package dev.confide.volume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Authenticates a plaintext tree (an application's {@code /usr}, say): writes a MACed manifest
 * holding a hash per chunk of every file, and returns its tag.
 */
public final class TreeAuthenticator {
  /** Default name of the manifest inside the tree; it is left out of the tree itself. */
  public static final String DEFAULT_MANIFEST = ".confide-tree";
  public static final int DEFAULT_CHUNK_SIZE = 64 * 1024;

  private TreeAuthenticator() {}

  public static Tag authenticate(Path dir, SymmetricKey key, Path manifestFile) {
    return authenticate(dir, key, manifestFile, Progress.NONE);
  }

  /**
   * As {@link #authenticate(Path, SymmetricKey, Path)}, reporting each file found and each chunk
   * hashed to {@code progress}, which may stop the work by throwing: nothing is written before
   * the manifest, at the end.
   */
  public static Tag authenticate(Path dir, SymmetricKey key, Path manifestFile, Progress progress) {
    return authenticate(dir, TreeRegions.WHOLE, key, manifestFile, progress);
  }

  /**
   * As {@link #authenticate(Path, SymmetricKey, Path, Progress)} for the folders {@code regions}
   * of {@code dir} only (relative paths, none inside another; {@code ""} or none: all of it). A
   * verifier reads the regions from the manifest.
   */
  public static Tag authenticate(Path dir, List<String> regions, SymmetricKey key, Path manifestFile, Progress progress) {
    List<String> checked = TreeRegions.checked(regions);
    if (Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new VolumeException(Failure.CANNOT_CREATE, "tree manifest " + manifestFile + " already exists",
          "delete it first, or pass another --manifest");
    }
    List<SourceEntry> entries = TreeRegions.scan(dir, checked, excluded(dir, manifestFile), f -> progress.checkpoint());
    if (entries.isEmpty()) {
      throw new VolumeException(Failure.MISSING_INPUT, "none of " + checked + " exists in " + dir, "check the paths");
    }
    List<TreeManifest.Item> items = new ArrayList<>();
    try {
      progress.start("authenticating", SourceEntry.totalSize(entries));
      List<SourceEntry> files = entries.stream().filter(e -> e.kind() == SourceEntry.Kind.FILE).toList();
      Iterator<List<byte[]>> hashes = new ChunkHasher(DEFAULT_CHUNK_SIZE, Parallel.defaultThreads())
          .hash(files, progress).iterator();
      for (SourceEntry e : entries) {
        items.add(switch (e.kind()) {
          case DIRECTORY -> new TreeManifest.Dir(e.path(), e.mode());
          case SYMLINK -> new TreeManifest.Link(e.path(), e.mode(), e.linkTarget());
          case FILE -> new TreeManifest.FileItem(e.path(), e.mode(), e.size(), hashes.next());
        });
      }
      byte[] file = new TreeManifest(DEFAULT_CHUNK_SIZE, items).toFile(key);
      AtomicFiles.write(manifestFile, file);
      progress.finish();
      return Tag.of(file);
    } catch (IOException e) {
      throw Io.failure("cannot authenticate " + dir, e);
    }
  }

  /** The manifest's own name, when it lies directly inside the tree. */
  static List<String> excluded(Path dir, Path manifestFile) {
    Path parent = manifestFile.toAbsolutePath().normalize().getParent();
    return parent != null && parent.equals(dir.toAbsolutePath().normalize())
        ? List.of(manifestFile.getFileName().toString(), manifestFile.getFileName() + AtomicFiles.TEMP_SUFFIX)
        : List.of();
  }
}
