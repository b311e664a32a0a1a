package dev.confide.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Seals a directory tree into a new volume, or into the next generation of an existing one
 * (copy-on-write: unchanged files keep their objects; changed files get new objects; nothing of
 * the old generation is touched until the caller commits).
 */
public final class VolumeSealer {
  /** Ciphertext segment size; chosen by benchmark (docs/benchmarks.md). */
  public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;

  private final int segmentSize;
  private final int threads;
  private final SecureRandom random = new SecureRandom();

  public VolumeSealer() {
    this(DEFAULT_SEGMENT_SIZE);
  }

  public VolumeSealer(int segmentSize) {
    this(segmentSize, Parallel.defaultThreads());
  }

  /** {@code threads}: how many files are sealed at once (each large file also gets a writer thread). */
  public VolumeSealer(int segmentSize, int threads) {
    this.segmentSize = segmentSize;
    this.threads = threads;
  }

  /** Seals {@code source} into {@code volumeDir}, which must be absent or empty. */
  public SealResult seal(Path source, Path volumeDir, SymmetricKey key, Progress progress) {
    List<SourceEntry> entries = new SourceScanner().scan(source);
    boolean created = prepareEmptyVolumeDir(volumeDir);
    boolean done = false;
    try {
      VolumeId id = VolumeId.random();
      VolumeKeys keys = VolumeKeys.derive(key, id);
      VolumeLayout layout = new VolumeLayout(volumeDir);
      layout.createObjectDirectories();
      VolumeHeader.create(id, keys).write(volumeDir);
      SealResult result = writeGeneration(layout, keys, id, 1, entries, Map.of(), progress);
      done = true;
      return result;
    } catch (IOException e) {
      throw Io.failure("cannot write volume " + volumeDir, e);
    } finally {
      if (!done) {
        if (created) {
          Extractor.deleteTree(volumeDir);
        } else {
          emptyDirectory(volumeDir);
        }
      }
    }
  }

  /**
   * Writes {@code source} as the generation after the one at {@code currentTag}. The returned
   * update holds the volume's lock; call {@link PreparedUpdate#commit()} once the new tag is
   * acknowledged, or {@link PreparedUpdate#close()} to leave both generations in place.
   */
  public PreparedUpdate update(Path volumeDir, Path source, SymmetricKey key, Tag currentTag,
      Progress progress) {
    VolumeHeader.read(volumeDir);
    VolumeLayout layout = new VolumeLayout(volumeDir);
    VolumeLock lock = VolumeLock.acquire(layout);
    boolean handedOver = false;
    try {
      OpenedVolume current = VolumeReader.load(volumeDir, key, currentTag);
      List<SourceEntry> entries = new SourceScanner().scan(source);
      Manifest old = current.manifest();
      VolumeKeys keys = VolumeKeys.derive(key, current.id());
      SealResult result = writeGeneration(layout, keys, current.id(), old.generation() + 1, entries,
          old.byPath(), progress);
      Manifest written = new ManifestCipher(keys, current.id()).open(
          readAll(layout.manifest(result.generation())),
          VolumeLayout.manifestName(result.generation()), result.generation());
      PreparedUpdate update = new PreparedUpdate(layout, written, result, lock);
      handedOver = true;
      return update;
    } finally {
      if (!handedOver) {
        lock.close();
      }
    }
  }

  private SealResult writeGeneration(VolumeLayout layout, VolumeKeys keys, VolumeId id,
      long generation, List<SourceEntry> entries, Map<String, Entry> previous, Progress progress) {
    ObjectCodec codec = new ObjectCodec(keys.objectsIkm(), id, segmentSize);
    Entry[] out = new Entry[entries.size()];
    Queue<Path> written = new ConcurrentLinkedQueue<>();
    LongAdder encrypted = new LongAdder();
    LongAdder reused = new LongAdder();
    long bytes = entries.stream().mapToLong(SourceEntry::size).sum();
    Progress shared = new SynchronizedProgress(progress);
    List<Parallel.Task> files = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      SourceEntry s = entries.get(i);
      int slot = i;
      switch (s.kind()) {
        case DIRECTORY -> out[i] = new Entry.Directory(s.path(), s.mode(), s.mtime());
        case SYMLINK -> out[i] = new Entry.Symlink(s.path(), s.mode(), s.mtime(), s.linkTarget());
        case FILE -> files.add(() -> {
          ObjectRef ref = reusable(layout, codec, s, previous.get(s.path()));
          if (ref != null) {
            reused.increment();
          } else {
            ObjectId objectId = ObjectId.random(random);
            Path file = layout.object(objectId);
            written.add(file);
            ref = codec.seal(s.file(), EntryPath.display(s.path()), s.size(), objectId, file);
            encrypted.increment();
          }
          out[slot] = new Entry.File(s.path(), s.mode(), s.mtime(), s.size(), ref);
          shared.advance(s.size());
        });
      }
    }
    boolean done = false;
    progress.start(generation == 1 ? "seal" : "update", bytes);
    try {
      Parallel.run(files, threads);
      // Every object must be on disk before a manifest names it.
      FileSystemSync.syncFileSystemOf(layout.dir());
      Manifest manifest = new Manifest(generation, id, segmentSize, List.of(out));
      byte[] file = new ManifestCipher(keys, id).seal(manifest);
      AtomicFiles.write(layout.manifest(generation), file);
      done = true;
      return new SealResult(id, generation, Tag.of(file), manifest.fileCount(), bytes, encrypted.sum(), reused.sum());
    } catch (IOException e) {
      throw Io.failure("cannot write volume " + layout.dir(), e);
    } finally {
      progress.finish();
      if (!done) {
        for (Path p : written) {
          try {
            Files.deleteIfExists(p);
          } catch (IOException ignored) {
            // the next update collects it
          }
        }
      }
    }
  }

  /** The old object, if it holds byte for byte what the source file holds now. */
  private static ObjectRef reusable(VolumeLayout layout, ObjectCodec codec, SourceEntry s, Entry old)
      throws IOException {
    if (!(old instanceof Entry.File f) || f.size() != s.size()) {
      return null;
    }
    return codec.sameContent(layout.object(f.object().id()), f, s.file()) ? f.object() : null;
  }

  private static boolean prepareEmptyVolumeDir(Path volumeDir) {
    if (Files.exists(volumeDir, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(volumeDir, LinkOption.NOFOLLOW_LINKS)) {
        throw new VolumeException(Failure.CANNOT_CREATE, volumeDir + " exists and is not a directory",
            "name a new or empty directory for the volume");
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(volumeDir)) {
        if (ds.iterator().hasNext()) {
          throw new VolumeException(Failure.CANNOT_CREATE, "volume directory " + volumeDir + " is not empty",
              "name a new or empty directory; use 'volume update' to change an existing volume");
        }
      } catch (IOException e) {
        throw Io.failure("cannot read " + volumeDir, e);
      }
      return false;
    }
    Path parent = volumeDir.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new VolumeException(Failure.MISSING_INPUT, "the folder that should hold " + volumeDir + " does not exist",
          "create " + parent + " first");
    }
    try {
      Files.createDirectory(volumeDir);
    } catch (IOException e) {
      throw Io.failure("cannot create " + volumeDir, e);
    }
    return true;
  }

  private static void emptyDirectory(Path dir) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Extractor.deleteTree(p);
      }
    } catch (IOException ignored) {
      // best effort
    }
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw Io.failure("cannot read " + p, e);
    }
  }
}
