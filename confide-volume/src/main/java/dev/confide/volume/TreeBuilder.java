package dev.confide.volume;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An authenticated tree made from a stream of entries rather than a walk of a directory: a
 * container image's layers, applied in order, without writing the covered files to disk. Entries
 * come in any order and may replace or remove earlier ones (a later layer's file, a whiteout);
 * {@link #write} keeps those inside the regions and writes the same manifest
 * {@link TreeAuthenticator#authenticate(Path, List, SymmetricKey, Path, Progress)} would write for
 * a directory holding exactly those entries (same items, order, modes, chunk hashes).
 */
public final class TreeBuilder {
  private static final int CHUNK = TreeAuthenticator.DEFAULT_CHUNK_SIZE;
  /** One chunk's bytes at a time, kept between files (thousands of small files would each allocate it). */
  private final byte[] chunk = new byte[CHUNK];
  /** Reset by each digest it gives. */
  private final MessageDigest sha = Tag.sha256();
  /** By path, relative to the tree's root. */
  private final TreeMap<String, TreeManifest.Item> items = new TreeMap<>();

  /** A directory at {@code path} (mode bits 07777); one that is already there keeps what it holds. */
  public void directory(String path, int mode) {
    TreeManifest.Item old = items.get(checked(path));
    if (!(old instanceof TreeManifest.Dir)) {
      remove(path);
    }
    items.put(path, new TreeManifest.Dir(path, mode & 07777));
  }

  /** A symbolic link at {@code path} to {@code target}, replacing whatever was there. */
  public void link(String path, String target) {
    remove(checked(path));
    items.put(path, new TreeManifest.Link(path, 0777, target));
  }

  /** A regular file at {@code path} with {@code content} (read to its end here), replacing whatever was there. */
  public void file(String path, int mode, InputStream content) throws IOException {
    remove(checked(path));
    List<byte[]> hashes = new ArrayList<>();
    long size = 0;
    while (true) {
      int n = content.readNBytes(chunk, 0, CHUNK);
      if (n == 0 && !hashes.isEmpty()) {
        break;
      }
      sha.update(chunk, 0, n);
      hashes.add(sha.digest());
      size += n;
      if (n < CHUNK) {
        break;
      }
    }
    items.put(path, new TreeManifest.FileItem(path, mode & 07777, size, hashes));
  }

  /** Whether a regular file is recorded at {@code path}. */
  public boolean holdsFile(String path) {
    return items.get(path) instanceof TreeManifest.FileItem;
  }

  /** A hard link: the file at {@code source} (which must be one) again at {@code path}. */
  public void hardLink(String path, String source) {
    if (!(items.get(source) instanceof TreeManifest.FileItem f)) {
      throw new IllegalArgumentException("no file is recorded at " + source);
    }
    remove(checked(path));
    items.put(path, new TreeManifest.FileItem(path, f.mode(), f.size(), f.chunkHashes()));
  }

  /** Removes {@code path} and everything below it (a whiteout). */
  public void remove(String path) {
    items.remove(path);
    clear(path);
  }

  /** Removes everything below {@code path}, keeping {@code path} itself (an opaque directory). */
  public void clear(String path) {
    String prefix = path.isEmpty() ? "" : path + "/";
    // '0' follows '/': the range holds exactly the paths below
    items.subMap(prefix, true, path.isEmpty() ? "\uffff" : path + "0", false).clear();
  }

  /**
   * Writes the manifest of the entries inside {@code regions} (relative folders, none inside
   * another, as {@link TreeAuthenticator} takes them) and returns its tag. A region that is not a
   * recorded directory is left out, as a walk leaves out a missing folder; a region that is a link
   * is refused, as a walk refuses it; no region at all is refused.
   */
  public Tag write(List<String> regions, SymmetricKey key, Path manifestFile) {
    List<String> checked = TreeRegions.checked(regions);
    List<TreeManifest.Item> out = new ArrayList<>();
    for (String region : checked) {
      TreeManifest.Item root = items.get(region);
      if (root instanceof TreeManifest.Link) {
        throw new VolumeException(Failure.INTEGRITY, region + " is a link, where the tree has a directory",
            "the tree was modified; restore it from a trusted copy");
      }
      if (root instanceof TreeManifest.Dir) {
        visit(region, out);
      }
    }
    if (out.isEmpty()) {
      throw new VolumeException(Failure.MISSING_INPUT, "none of " + checked + " exists in the image", "check the paths");
    }
    byte[] file = new TreeManifest(CHUNK, out).toFile(key);
    try {
      AtomicFiles.write(manifestFile, file);
    } catch (IOException e) {
      throw Io.failure("cannot write " + manifestFile, e);
    }
    return Tag.of(file);
  }

  /**
   * {@code region} and what lies below it, parents first, each folder's names in byte order as a
   * walk lists them: the paths sorted by their UTF-8 bytes with '/' below every other byte (so a
   * name sorts before its own longer names' and its children before its next sibling). An entry
   * whose parent is not a listed directory is left out, as a walk never reaches it. One sort: the
   * folder-by-folder search this replaced scanned every folder's whole subtree (quadratic, and the
   * costliest method the JIT compiled in a conversion).
   */
  private void visit(String region, List<TreeManifest.Item> out) {
    Map<String, TreeManifest.Item> below = items.subMap(region + "/", true, region + "0", false);
    List<Map.Entry<byte[], TreeManifest.Item>> sorted = new ArrayList<>(below.size());
    for (Map.Entry<String, TreeManifest.Item> e : below.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < key.length; i++) {
        if (key[i] == '/') {
          key[i] = 0; // names hold no NUL (EntryPath)
        }
      }
      sorted.add(Map.entry(key, e.getValue()));
    }
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
    java.util.Set<String> listedDirs = new java.util.HashSet<>();
    listedDirs.add(region);
    out.add(items.get(region));
    for (Map.Entry<byte[], TreeManifest.Item> e : sorted) {
      TreeManifest.Item item = e.getValue();
      if (listedDirs.contains(EntryPath.parent(item.path()))) {
        out.add(item);
        if (item instanceof TreeManifest.Dir) {
          listedDirs.add(item.path());
        }
      }
    }
  }

  private static String checked(String path) {
    String problem = EntryPath.problem(path);
    if (problem != null || path.isEmpty()) {
      throw new VolumeException(Failure.BAD_DATA, "cannot authenticate '" + path + "': "
          + (problem == null ? "it is the root" : problem), "shorten or rename it");
    }
    return path;
  }
}
