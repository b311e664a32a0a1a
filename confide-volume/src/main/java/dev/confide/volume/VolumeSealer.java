package dev.confide.volume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Packing packing;
  private final SecureRandom random = new SecureRandom();

  public VolumeSealer() {
    this(DEFAULT_SEGMENT_SIZE);
  }

  public VolumeSealer(int segmentSize) {
    this(segmentSize, Parallel.defaultThreads(), Packing.DEFAULT);
  }

  /**
   * @param threads how many objects are sealed at once (each large one also gets a writer thread)
   * @param packing which files share pack objects
   */
  public VolumeSealer(int segmentSize, int threads, Packing packing) {
    this.segmentSize = segmentSize;
    this.threads = threads;
    this.packing = packing;
  }

  /**
   * Small files are sealed together, several to an object: fewer files to create and keys to
   * derive, and the host no longer sees how many files there are or how large each is.
   *
   * @param largestPackedFile files up to this size go into packs; larger ones get an object each
   * @param packSize a pack is closed before it would exceed this many plaintext bytes
   */
  public record Packing(long largestPackedFile, long packSize) {
    public static final Packing DEFAULT = new Packing(128 * 1024, 4L << 20);
    /** Every file in an object of its own. */
    public static final Packing NONE = new Packing(-1, 0);
  }

  /**
   * Seals {@code source} into {@code volumeDir}, which must be absent or empty. Objects are sealed
   * while the source is still being walked; any refusal removes what was begun.
   */
  public SealResult seal(Path source, Path volumeDir, SymmetricKey key, Progress progress) {
    return seal(source, volumeDir, key, progress, object -> { });
  }

  /**
   * As {@link #seal(Path, Path, SymmetricKey, Progress)}, telling {@code objectWritten} (from the
   * sealing threads, possibly several at once) of each object file as soon as it is complete, so
   * that a caller can copy the volume while it is still being sealed. The header, the manifest and
   * the folders are not announced: they are in place when this returns.
   */
  public SealResult seal(Path source, Path volumeDir, SymmetricKey key, Progress progress,
      java.util.function.Consumer<Path> objectWritten) {
    SourceScanner.checkRoot(source);
    refuseVolumeInsideSource(source, volumeDir);
    boolean created = prepareEmptyVolumeDir(volumeDir);
    VolumeLayout layout = new VolumeLayout(volumeDir);
    // Two seals into one empty folder would each see it empty and write a volume over the other;
    // the lock lets one through, and whoever gets it second finds the folder no longer empty.
    // Until then nothing here is this seal's to remove.
    try (VolumeLock lock = VolumeLock.acquire(layout)) {
      refuseAnotherSealsWork(volumeDir);
      return sealLocked(source, volumeDir, layout, created, key, progress, objectWritten);
    }
  }

  /** A volume inside its own source would take in its own header, lock and objects as they are written. */
  private static void refuseVolumeInsideSource(Path source, Path volumeDir) {
    boolean inside;
    try {
      inside = FileTrees.within(volumeDir, source);
    } catch (IOException e) {
      throw Io.failure("cannot resolve " + volumeDir, e);
    }
    if (inside) {
      throw new VolumeException(Failure.CANNOT_CREATE, "volume directory " + volumeDir + " lies inside the source "
          + source + ": it would take in its own files as they are written", "put the volume outside the source");
    }
  }

  private static void refuseAnotherSealsWork(Path volumeDir) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(volumeDir)) {
      for (Path p : ds) {
        if (!p.getFileName().toString().equals(VolumeLayout.LOCK)) {
          throw new VolumeException(Failure.CANNOT_CREATE, "volume directory " + volumeDir
              + " is not empty: another seal wrote into it meanwhile",
              "name a new or empty directory; use 'volume update' to change an existing volume");
        }
      }
    } catch (IOException e) {
      throw Io.failure("cannot read volume directory " + volumeDir, e);
    }
  }

  private SealResult sealLocked(Path source, Path volumeDir, VolumeLayout layout, boolean created, SymmetricKey key,
      Progress progress, java.util.function.Consumer<Path> objectWritten) {
    boolean done = false;
    try {
      VolumeId id = VolumeId.random();
      VolumeKeys keys = VolumeKeys.derive(key, id);
      layout.createObjectsFolder();
      VolumeHeader.create(id, keys).write(volumeDir);
      SealResult result = writeGeneration(layout, keys, id, 1, new Sources.Walk(source), Map.of(), progress, objectWritten).result();
      done = true;
      return result;
    } catch (IOException e) {
      throw Io.failure("cannot write volume " + volumeDir, e);
    } finally {
      if (!done) {
        if (created) {
          FileTrees.deleteQuietly(volumeDir);
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
    SourceScanner.checkRoot(source);
    refuseVolumeInsideSource(source, volumeDir);
    VolumeLayout layout = new VolumeLayout(volumeDir);
    VolumeLock lock = VolumeLock.acquire(layout);
    boolean handedOver = false;
    try {
      OpenedVolume current = VolumeReader.load(volumeDir, key, currentTag);
      // nothing is written until the scan ends; a cancel during it only stops it
      List<SourceEntry> entries = new SourceScanner().scan(source, file -> progress.checkpoint());
      Manifest old = current.manifest();
      VolumeKeys keys = VolumeKeys.derive(key, current.id());
      Written written = writeGeneration(layout, keys, current.id(), old.generation() + 1,
          new Sources.Scanned(entries), old.byPath(), progress, object -> { });
      PreparedUpdate update = new PreparedUpdate(layout, written.manifest(), written.result(), lock);
      handedOver = true;
      return update;
    } finally {
      if (!handedOver) {
        lock.close();
      }
    }
  }

  /** A generation on disk: what the caller reports, and the manifest that garbage collection keeps. */
  private record Written(SealResult result, Manifest manifest) {}

  /**
   * Where a generation's entries come from: a walk still to be made, whose files are sealed as it
   * finds them (a new volume: nothing to keep), or entries already scanned (an update compares
   * them with the old generation first).
   */
  private sealed interface Sources {
    record Walk(Path source) implements Sources {}

    record Scanned(List<SourceEntry> entries) implements Sources {}
  }

  private Written writeGeneration(VolumeLayout layout, VolumeKeys keys, VolumeId id,
      long generation, Sources sources, Map<String, Entry> previous, Progress progress,
      java.util.function.Consumer<Path> objectWritten) {
    ObjectCodec codec = new ObjectCodec(keys.objectsIkm(), id, segmentSize);
    Map<String, Entry.File> placed = new ConcurrentHashMap<>();
    Queue<Path> written = new ConcurrentLinkedQueue<>();
    LongAdder reused = new LongAdder();
    LateStartProgress shared = new LateStartProgress(progress);
    String task = generation == 1 ? "seal" : "update";
    boolean done = false;
    try {
      List<SourceEntry> entries;
      try (Parallel.Feed objects = new Parallel.Feed(threads)) {
        Packer packer = new Packer(packing,
            files -> objects.submit(sealTask(layout, codec, files, placed, written, shared, objectWritten)));
        switch (sources) {
          case Sources.Walk walk -> {
            entries = new SourceScanner().scan(walk.source(), file -> {
              shared.checkpoint(); // a cancel stops the walk too
              packer.add(file);
            });
            shared.start(task, SourceEntry.totalSize(entries));
          }
          case Sources.Scanned scanned -> {
            entries = scanned.entries();
            shared.start(task, SourceEntry.totalSize(entries));
            // Phase 1: keep every old object whose files are all still there, byte for byte.
            Map<String, SourceEntry> sourceFiles = files(entries);
            List<Parallel.Task> checks = new ArrayList<>();
            for (List<Entry.File> members : Manifest.objects(List.copyOf(previous.values())).values()) {
              if (members.stream().allMatch(f -> sourceFiles.containsKey(f.path())
                  && sourceFiles.get(f.path()).size() == f.size())) {
                checks.add(() -> keepIfUnchanged(layout, codec, members, sourceFiles, placed, reused, shared));
              }
            }
            Parallel.run(checks, threads);
            // Phase 2: everything else goes into new objects.
            sourceFiles.values().stream().filter(s -> !placed.containsKey(s.path())).forEach(packer::add);
          }
        }
        packer.finish();
        objects.finish();
      }

      List<Entry> out = new ArrayList<>(entries.size());
      for (SourceEntry s : entries) {
        out.add(switch (s.kind()) {
          case DIRECTORY -> new Entry.Directory(s.path(), s.mode(), s.mtime());
          case SYMLINK -> new Entry.Symlink(s.path(), s.mode(), s.mtime(), s.linkTarget());
          case FILE -> placed.get(s.path());
        });
      }
      // Every object must be on disk before a manifest names it.
      FileSystemSync.syncFileSystemOf(layout.dir());
      Manifest manifest = new Manifest(generation, id, segmentSize, out);
      byte[] file = new ManifestCipher(keys, id).seal(manifest);
      AtomicFiles.write(layout.manifest(generation), file);
      done = true;
      long files = placed.size();
      return new Written(new SealResult(id, generation, Tag.of(file), files, SourceEntry.totalSize(entries),
          files - reused.sum(), reused.sum()), manifest);
    } catch (IOException e) {
      throw Io.failure("cannot write volume " + layout.dir(), e);
    } catch (UncheckedIOException e) { // a worker's failure, stopping the walk (Parallel.Feed#submit)
      throw Io.failure("cannot write volume " + layout.dir(), e.getCause());
    } finally {
      shared.finish();
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

  private static Map<String, SourceEntry> files(List<SourceEntry> entries) {
    Map<String, SourceEntry> files = new LinkedHashMap<>();
    for (SourceEntry s : entries) {
      if (s.kind() == SourceEntry.Kind.FILE) {
        files.put(s.path(), s);
      }
    }
    return files;
  }

  /** Reuses an old object (a pack or a single file's) if every file in it is unchanged. */
  private static void keepIfUnchanged(VolumeLayout layout, ObjectCodec codec, List<Entry.File> members,
      Map<String, SourceEntry> sourceFiles, Map<String, Entry.File> placed, LongAdder reused, Progress progress)
      throws IOException {
    Map<Entry.File, Path> sources = new HashMap<>();
    members.forEach(f -> sources.put(f, sourceFiles.get(f.path()).file()));
    ObjectMembers group = new ObjectMembers(members.getFirst().object(), members);
    if (!codec.sameContent(layout.object(group.ref().id()), group, sources)) {
      return;
    }
    for (Entry.File f : members) {
      SourceEntry s = sourceFiles.get(f.path());
      placed.put(f.path(), new Entry.File(s.path(), s.mode(), s.mtime(), s.size(), f.object(), f.offset()));
      reused.increment();
      progress.advance(s.size());
    }
  }

  /** Seals {@code files} into one new object and records where each file's bytes are. */
  private Parallel.Task sealTask(VolumeLayout layout, ObjectCodec codec, List<SourceEntry> files,
      Map<String, Entry.File> placed, Queue<Path> written, Progress progress, java.util.function.Consumer<Path> objectWritten) {
    List<SourceEntry> members = List.copyOf(files);
    return () -> {
      ObjectId objectId = ObjectId.random(random);
      Path file = layout.objectToCreate(objectId);
      written.add(file);
      ObjectRef ref = codec.seal(members, objectId, file, progress);
      objectWritten.accept(file);
      long offset = 0;
      for (SourceEntry s : members) {
        placed.put(s.path(), new Entry.File(s.path(), s.mode(), s.mtime(), s.size(), ref, offset));
        offset += s.size();
      }
    };
  }

  /** Returns whether this call created the directory. */
  private static boolean prepareEmptyVolumeDir(Path volumeDir) {
    if (EmptyTarget.check(volumeDir, "volume directory",
        "name a new or empty directory; use 'volume update' to change an existing volume")) {
      return false;
    }
    try {
      Files.createDirectory(volumeDir, HostFile.OWNER_ONLY_DIRECTORY);
    } catch (IOException e) {
      throw Io.failure("cannot create " + volumeDir, e);
    }
    return true;
  }

  private static void emptyDirectory(Path dir) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        FileTrees.deleteQuietly(p);
      }
    } catch (IOException ignored) {
      // best effort
    }
  }
}
