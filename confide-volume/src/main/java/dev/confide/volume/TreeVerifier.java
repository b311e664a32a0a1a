package dev.confide.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a plaintext tree against its manifest at a tag: the manifest must hash to the tag and
 * carry a valid MAC; every listed entry must exist with the same kind, mode, size and chunk hashes;
 * nothing may have been added. {@link #readVerified} checks only the chunks a read covers.
 */
public final class TreeVerifier {
  private final Path dir;
  private final TreeManifest manifest;
  private final Tag tag;

  private TreeVerifier(Path dir, TreeManifest manifest, Tag tag) {
    this.dir = dir;
    this.manifest = manifest;
    this.tag = tag;
  }

  /** Authenticates the manifest (tag, then MAC); the tree's files are checked on demand. */
  public static TreeVerifier load(Path dir, SymmetricKey key, Tag tag, Path manifestFile) {
    if (!Files.isDirectory(dir)) {
      throw new VolumeException(Failure.MISSING_INPUT, "tree " + dir + " does not exist", "check the path");
    }
    byte[] file;
    try {
      file = Files.readAllBytes(manifestFile);
    } catch (NoSuchFileException e) {
      throw new VolumeException(Failure.INTEGRITY, "tree manifest " + manifestFile + " is missing",
          "it was deleted; restore it, or pass --manifest if it lives elsewhere");
    } catch (IOException e) {
      throw Io.failure("cannot read " + manifestFile, e);
    }
    Tag actual = Tag.of(file);
    if (!actual.equals(tag)) {
      throw new VolumeException(Failure.INTEGRITY,
          "tree manifest " + manifestFile + " has tag " + actual + ", expected " + tag,
          "the manifest was replaced or rolled back, or the tag is wrong; pass the tag 'tree authenticate' printed");
    }
    return new TreeVerifier(dir, TreeManifest.fromFile(file, key, manifestFile.toString()), tag);
  }

  public Tag tag() {
    return tag;
  }

  /** Checks every entry and every byte; the first problem is reported, with a count of the rest. */
  public Summary verifyAll(Path manifestFile) {
    return verifyAll(manifestFile, Progress.NONE);
  }

  /**
   * As {@link #verifyAll(Path)}, reporting each file found and each chunk checked to {@code
   * progress}, which may stop the check by throwing.
   */
  public Summary verifyAll(Path manifestFile, Progress progress) {
    List<String> problems = new ArrayList<>();
    Map<String, TreeManifest.Item> expected = new HashMap<>();
    manifest.items().forEach(i -> expected.put(i.path(), i));
    List<SourceEntry> actual = TreeRegions.scan(dir, TreeRegions.of(manifest), TreeAuthenticator.excluded(dir, manifestFile),
        f -> progress.checkpoint());
    long files = 0;
    long bytes = 0;
    try {
      progress.start("verifying", SourceEntry.totalSize(actual));
      Map<String, List<byte[]>> hashes = hashOfEveryFileOfTheExpectedSize(actual, expected, progress);
      for (SourceEntry e : actual) {
        TreeManifest.Item want = expected.remove(e.path());
        String shown = EntryPath.display(e.path());
        if (want == null) {
          problems.add(shown + " is not in the manifest (a file was added)");
          continue;
        }
        String problem = compare(want, e, hashes.get(e.path()));
        if (problem != null) {
          problems.add(shown + ": " + problem);
        } else if (want instanceof TreeManifest.FileItem f) {
          files++;
          bytes += f.size();
        }
      }
    } catch (IOException e) {
      throw Io.failure("cannot read tree " + dir, e);
    }
    progress.finish();
    expected.keySet().stream().sorted()
        .forEach(p -> problems.add(EntryPath.display(p) + " is listed in the manifest but missing (deleted)"));
    if (!problems.isEmpty()) {
      throw new VolumeException(Failure.INTEGRITY,
          "tree " + dir + ": " + problems.getFirst()
              + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : ""),
          "the tree was modified; restore it from a trusted copy");
    }
    return new Summary(files, bytes);
  }

  /**
   * The chunk hashes of the files that the manifest lists as files of the same size, hashed on
   * every core; any other file is refused without being read.
   */
  private Map<String, List<byte[]>> hashOfEveryFileOfTheExpectedSize(List<SourceEntry> actual,
      Map<String, TreeManifest.Item> expected, Progress progress) throws IOException {
    List<SourceEntry> files = actual.stream()
        .filter(e -> e.kind() == SourceEntry.Kind.FILE
            && expected.get(e.path()) instanceof TreeManifest.FileItem f && f.size() == e.size())
        .toList();
    List<List<byte[]>> hashed = new ChunkHasher(manifest.chunkSize(), Parallel.defaultThreads()).hash(files, progress);
    Map<String, List<byte[]>> byPath = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      byPath.put(files.get(i).path(), hashed.get(i));
    }
    return byPath;
  }

  /** What is wrong with {@code e}, or null; {@code hashes}: its chunk hashes if it is a file of the expected size. */
  private String compare(TreeManifest.Item want, SourceEntry e, List<byte[]> hashes) {
    boolean kindMatches = switch (want) {
      case TreeManifest.Dir d -> e.kind() == SourceEntry.Kind.DIRECTORY;
      case TreeManifest.FileItem f -> e.kind() == SourceEntry.Kind.FILE;
      case TreeManifest.Link l -> e.kind() == SourceEntry.Kind.SYMLINK;
    };
    if (!kindMatches) {
      return "it is a " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + " where the manifest has another kind";
    }
    if (want.mode() != e.mode()) {
      return String.format("mode %04o where the manifest has %04o", e.mode(), want.mode());
    }
    if (want instanceof TreeManifest.Link l && !l.target().equals(e.linkTarget())) {
      return "link target changed";
    }
    if (want instanceof TreeManifest.FileItem f) {
      if (f.size() != e.size()) {
        return "size " + e.size() + " where the manifest has " + f.size() + " (the file was modified)";
      }
      for (int c = 0; c < hashes.size(); c++) {
        if (!MessageDigest.isEqual(hashes.get(c), f.chunkHashes().get(c))) {
          return chunkProblem(c, f.size());
        }
      }
    }
    return null;
  }

  private String chunkProblem(int chunk, long size) {
    long from = (long) chunk * manifest.chunkSize();
    long to = Math.min(size, from + manifest.chunkSize()) - 1;
    return "chunk " + chunk + " (bytes " + from + " to " + to + ") does not match — the file was modified";
  }

  /**
   * Reads {@code length} bytes at {@code offset} of the file at {@code path} (tree-relative),
   * verifying only the chunks the range covers.
   */
  public byte[] readVerified(String path, long offset, int length) {
    String problem = EntryPath.problem(path);
    TreeManifest.Item item = manifest.items().stream().filter(i -> i.path().equals(path)).findFirst().orElse(null);
    if (problem != null || !(item instanceof TreeManifest.FileItem f)) {
      throw new VolumeException(Failure.INTEGRITY, EntryPath.display(path) + " is not a file of the authenticated tree",
          "only files listed in the manifest can be read");
    }
    if (offset < 0 || length < 0 || offset + length > f.size()) {
      throw new IllegalArgumentException("range outside the file");
    }
    int cs = manifest.chunkSize();
    int first = (int) (offset / cs);
    int last = length == 0 ? first : (int) ((offset + length - 1) / cs);
    ByteBuffer chunk = ByteBuffer.allocate(cs);
    byte[] out = new byte[length];
    try (FileChannel in = FileChannel.open(dir.resolve(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      if (in.size() != f.size()) {
        throw new VolumeException(Failure.INTEGRITY, EntryPath.display(path) + ": size " + in.size()
            + " where the manifest has " + f.size() + " (the file was modified)", "restore the tree from a trusted copy");
      }
      for (int c = first; c <= last; c++) {
        long start = (long) c * cs;
        chunk.clear().limit((int) Math.min(cs, f.size() - start));
        while (chunk.hasRemaining() && in.read(chunk, start + chunk.position()) >= 0) {
          // fill
        }
        MessageDigest sha = Tag.sha256();
        sha.update(chunk.array(), 0, chunk.position());
        if (!MessageDigest.isEqual(sha.digest(), f.chunkHashes().get(c))) {
          throw new VolumeException(Failure.INTEGRITY, EntryPath.display(path) + ": " + chunkProblem(c, f.size()),
              "restore the tree from a trusted copy");
        }
        long copyFrom = Math.max(offset, start);
        long copyTo = Math.min(offset + length, start + chunk.position());
        System.arraycopy(chunk.array(), (int) (copyFrom - start), out, (int) (copyFrom - offset),
            (int) (copyTo - copyFrom));
      }
    } catch (NoSuchFileException e) {
      throw new VolumeException(Failure.INTEGRITY, EntryPath.display(path) + " is listed in the manifest but missing",
          "restore the tree from a trusted copy");
    } catch (IOException e) {
      throw Io.failure("cannot read " + path, e);
    }
    return out;
  }

  /** What a full verification covered. */
  public record Summary(long files, long bytes) {}
}
