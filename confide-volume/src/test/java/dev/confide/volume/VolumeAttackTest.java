package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.testing.TreeCopies;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host operator's attacks on a volume, each checked for its exact refusal, and for leaving
 * nothing in the destination.
 */
class VolumeAttackTest {
  @TempDir Path tmp;
  Path src;
  Path vol;
  Path dest;
  SymmetricKey key;
  SealResult sealed;

  @BeforeEach
  void seal() throws IOException {
    src = Trees.sample(tmp.resolve("src"));
    Trees.file(src, "a.txt", "aaaaa".getBytes());
    Trees.file(src, "b.txt", "bbbbb".getBytes());
    // Two files large enough for objects of their own, of equal size.
    Trees.file(src, "s1.bin", Trees.random(200_000, 21));
    Trees.file(src, "s2.bin", Trees.random(200_000, 22));
    vol = tmp.resolve("vol");
    dest = tmp.resolve("dest");
    key = SymmetricKey.generate();
    sealed = new VolumeSealer().seal(src, vol, key, Progress.NONE);
  }

  private Path objectOf(String path, Tag tag) {
    Entry.File f = (Entry.File) VolumeReader.load(vol, key, tag).manifest().byPath().get(path);
    return vol.resolve(f.object().id().relativePath());
  }

  /**
   * Both verify and open refuse with exactly this failure and one of these messages (objects are
   * checked in parallel, so when two are bad either may be named first); nothing reaches DEST.
   */
  private void assertRefused(Tag tag, Failure failure, String... messages) throws IOException {
    assertThatThrownBy(() -> VolumeReader.load(vol, key, tag).verify(Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(failure);
          assertThat(e.getMessage()).isIn((Object[]) messages);
        });
    assertThatThrownBy(() -> VolumeReader.load(vol, key, tag).extractTo(dest, Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.getMessage()).isIn((Object[]) messages));
    assertThat(dest).doesNotExist();
    assertThat(Trees.stagingLeftovers(tmp)).isEmpty();
  }

  @Test
  void flippedByteIsRefusedNamingFileAndSegment() throws IOException {
    Path object = objectOf("data/big.bin", sealed.tag());
    // header 40 bytes, segment 0 is 65496 bytes, segment 1 is 65536: byte 100 of segment 2.
    Trees.flipByte(object, 40 + 65496 + 65536 + 100);
    assertRefused(sealed.tag(), Failure.INTEGRITY,
        "object for /data/big.bin: authentication failed at segment 2 — the file was modified or replaced");
  }

  @Test
  void objectReplacedByAnOlderVersionOfTheSameFileIsRefused() throws IOException {
    byte[] oldObject = Files.readAllBytes(objectOf("data/big.bin", sealed.tag()));
    Trees.flipByte(src.resolve("data/big.bin"), 1000);
    Tag newTag = update();
    Files.write(objectOf("data/big.bin", newTag), oldObject);
    assertRefused(newTag, Failure.INTEGRITY,
        "object for /data/big.bin: header differs from the manifest — the object was replaced (an older version or another file)");
  }

  @Test
  void swappedObjectsAreRefused() throws IOException {
    Path a = objectOf("s1.bin", sealed.tag());
    Path b = objectOf("s2.bin", sealed.tag());
    byte[] aBytes = Files.readAllBytes(a);
    Files.write(a, Files.readAllBytes(b));
    Files.write(b, aBytes);
    assertRefused(sealed.tag(), Failure.INTEGRITY,
        "object for /s1.bin: header differs from the manifest — the object was replaced (an older version or another file)",
        "object for /s2.bin: header differs from the manifest — the object was replaced (an older version or another file)");
  }

  @Test
  void objectMovedFromAnotherVolumeIsRefused() throws IOException {
    Path other = tmp.resolve("other");
    new VolumeSealer().seal(src, other, key, Progress.NONE);
    Path mine = objectOf("s1.bin", sealed.tag());
    Path foreign = Trees.objects(other).stream()
        .filter(p -> p.toFile().length() == mine.toFile().length()).findFirst().orElseThrow();
    Files.copy(foreign, mine, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertRefused(sealed.tag(), Failure.INTEGRITY,
        "object for /s1.bin: header differs from the manifest — the object was replaced (an older version or another file)");
  }

  @Test
  void damageInsideAPackNamesTheFilesItHits() throws IOException {
    // The pack holds README, a.txt, b.txt, bin/run.sh, data/exact.bin, .../note.txt, empty,
    // private/key.pem: 65,528 bytes, padded to 65,536; segment 1 carries bytes 65,480 onwards.
    Path pack = objectOf("a.txt", sealed.tag());
    assertThat(pack).isEqualTo(objectOf("private/key.pem", sealed.tag()));
    Trees.flipByte(pack, 40 + 65496 + 5);
    assertRefused(sealed.tag(), Failure.INTEGRITY, "object holding /data/exact.bin, /data/nested/deeper/note.txt, "
        + "/empty and 1 more files: authentication failed at segment 1 — the file was modified or replaced");
  }

  @Test
  void truncatedPackIsRefusedNamingItsFiles() throws IOException {
    Path pack = objectOf("a.txt", sealed.tag());
    long size = Files.size(pack);
    try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.WRITE)) {
      ch.truncate(size - 100);
    }
    assertRefused(sealed.tag(), Failure.INTEGRITY, "object holding /README, /a.txt, /b.txt and 5 more files is truncated: "
        + (size - 100) + " bytes where the manifest records " + size);
  }

  @Test
  void truncatedObjectIsRefused() throws IOException {
    Path object = objectOf("data/big.bin", sealed.tag());
    long size = Files.size(object);
    try (FileChannel ch = FileChannel.open(object, StandardOpenOption.WRITE)) {
      ch.truncate(size - 1);
    }
    assertRefused(sealed.tag(), Failure.INTEGRITY, "object for /data/big.bin is truncated: " + (size - 1)
        + " bytes where the manifest records " + size);
  }

  @Test
  void truncationAtASegmentBoundaryIsRefused() throws IOException {
    Path object = objectOf("data/big.bin", sealed.tag());
    long size = Files.size(object);
    try (FileChannel ch = FileChannel.open(object, StandardOpenOption.WRITE)) {
      ch.truncate(40 + 65496);
    }
    assertRefused(sealed.tag(), Failure.INTEGRITY, "object for /data/big.bin is truncated: " + (40 + 65496)
        + " bytes where the manifest records " + size);
  }

  @Test
  void extendedObjectIsRefused() throws IOException {
    Path object = objectOf("s2.bin", sealed.tag());
    long size = Files.size(object);
    Files.write(object, new byte[] {0}, StandardOpenOption.APPEND);
    assertRefused(sealed.tag(), Failure.INTEGRITY, "object for /s2.bin is extended: " + (size + 1)
        + " bytes where the manifest records " + size);
  }

  @Test
  void deletedObjectIsRefused() throws IOException {
    Path object = objectOf("data/big.bin", sealed.tag());
    Files.delete(object);
    assertRefused(sealed.tag(), Failure.INTEGRITY, "object for /data/big.bin is missing ("
        + vol.relativize(object) + ")");
  }

  @Test
  void deletedManifestIsRefused() throws IOException {
    Files.delete(vol.resolve("manifest.1"));
    assertRefused(sealed.tag(), Failure.INTEGRITY, "volume " + vol + " has no manifest");
  }

  @Test
  void corruptedManifestIsRefusedWithAndWithoutTag() throws IOException {
    Trees.flipByte(vol.resolve("manifest.1"), 60);
    Tag corrupted = Tag.of(Files.readAllBytes(vol.resolve("manifest.1")));
    assertRefused(sealed.tag(), Failure.INTEGRITY, "no manifest of volume " + vol + " has tag " + sealed.tag()
        + " (generation 1 has tag " + corrupted.hex().substring(0, 12) + "…): the volume was rolled back or its "
        + "manifest replaced, or the tag is wrong");
    assertThatThrownBy(() -> VolumeReader.load(vol, key, null))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
          assertThat(e.getMessage()).isEqualTo("manifest.1: authentication failed");
        });
  }

  @Test
  void rollbackToAnOlderStateIsRefusedWhenTheNewTagIsExpected() throws IOException {
    Path snapshot = tmp.resolve("snapshot");
    TreeCopies.copy(vol, snapshot);
    Files.writeString(src.resolve("data/num"), "2");
    Tag newTag = update();
    TreeCopies.replace(vol, snapshot);
    assertRefused(newTag, Failure.INTEGRITY, "no manifest of volume " + vol + " has tag " + newTag
        + " (generation 1 has tag " + sealed.tag().hex().substring(0, 12) + "…): the volume was rolled back or its "
        + "manifest replaced, or the tag is wrong");
  }

  @Test
  void olderManifestRenamedAsTheNewerGenerationIsRefused() throws IOException {
    Path snapshot = tmp.resolve("snapshot");
    TreeCopies.copy(vol, snapshot);
    Files.writeString(src.resolve("a.txt"), "AAAAA");
    Tag newTag = update();
    // Put the old state back, its manifest renamed to claim generation 2.
    TreeCopies.replace(vol, snapshot);
    Files.move(vol.resolve("manifest.1"), vol.resolve("manifest.2"));
    // Presented with its own old tag, the rename is caught by the generation binding...
    assertRefused(sealed.tag(), Failure.INTEGRITY, "manifest.2 claims generation 1 (renamed manifest)");
    // ...and where the new tag is expected, by the tag.
    assertThatThrownBy(() -> VolumeReader.load(vol, key, newTag))
        .isInstanceOfSatisfying(VolumeException.class,
            e -> assertThat(e.getMessage()).startsWith("no manifest of volume " + vol + " has tag " + newTag));
  }

  @Test
  void wrongKeyIsRefused() throws IOException {
    SymmetricKey other = SymmetricKey.generate();
    assertThatThrownBy(() -> VolumeReader.load(vol, other, sealed.tag()))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.DENIED);
          assertThat(e.getMessage()).isEqualTo("the key does not open volume " + sealed.volumeId()
              + " (wrong key, or its VOLUME file was altered)");
        });
  }

  @Test
  void wrongTagIsRefused() throws IOException {
    Tag wrong = Tag.of("something else".getBytes());
    assertRefused(wrong, Failure.INTEGRITY, "no manifest of volume " + vol + " has tag " + wrong
        + " (generation 1 has tag " + sealed.tag().hex().substring(0, 12) + "…): the volume was rolled back or its "
        + "manifest replaced, or the tag is wrong");
  }

  /** Writes a manifest, encrypted with the real key, whose entries are whatever the test says. */
  private Tag craft(List<Entry> entries) throws IOException {
    VolumeKeys keys = VolumeKeys.derive(key, sealed.volumeId());
    byte[] plaintext = ManifestCodec.encode(2, sealed.volumeId(), VolumeSealer.DEFAULT_SEGMENT_SIZE, entries);
    byte[] file = new ManifestCipher(keys, sealed.volumeId()).seal(2, plaintext);
    Files.write(vol.resolve("manifest.2"), file);
    return Tag.of(file);
  }

  private List<Entry> rootAnd(Entry... more) {
    Entry.File real = (Entry.File) VolumeReader.load(vol, key, sealed.tag()).manifest().byPath().get("a.txt");
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry.Directory("", 0755, Instant.EPOCH));
    for (Entry e : more) {
      entries.add(e instanceof Entry.File f
          ? new Entry.File(f.path(), 0644, Instant.EPOCH, real.size(), real.object(), f.offset()) : e);
    }
    return entries;
  }

  private Entry.File fileAt(String path) {
    return new Entry.File(path, 0644, Instant.EPOCH, 0, null, real().offset());
  }

  private Entry.File fileAt(String path, long offset) {
    return new Entry.File(path, 0644, Instant.EPOCH, 0, null, offset);
  }

  private Entry.File real() {
    return (Entry.File) VolumeReader.load(vol, key, sealed.tag()).manifest().byPath().get("a.txt");
  }

  @Test
  void manifestEntriesThatEscapeTheDestinationAreRefused() throws IOException {
    Files.createDirectories(dest.getParent());
    for (String evil : List.of("../evil", "a/../../evil", "/tmp/evil", "./evil", "a//b")) {
      Tag tag = craft(rootAnd(new Entry.Directory("a", 0755, Instant.EPOCH), fileAt(evil)));
      String component = evil.startsWith("/") ? null : evil.contains("..") ? ".." : evil.contains("./") ? "." : "";
      String reason = component == null ? "it is absolute"
          : "it has a '" + component + "' component that could leave the destination";
      assertRefused(tag, Failure.INTEGRITY, "the manifest is invalid: entry '" + evil + "' is refused: " + reason);
    }
    assertThat(tmp.resolve("evil")).doesNotExist();
    assertThat(Path.of("/tmp/evil")).doesNotExist();
  }

  @Test
  void writingThroughAStoredSymlinkIsRefused() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Tag tag = craft(rootAnd(new Entry.Symlink("link", 0777, Instant.EPOCH, outside.toString()), fileAt("link/evil")));
    assertRefused(tag, Failure.INTEGRITY, "the manifest is invalid: entry 'link/evil' has no directory entry for its "
        + "parent (it would be written through a link or into a missing folder)");
    assertThat(outside).isEmptyDirectory();
  }

  @Test
  void overlappingFilesInOnePackAreRefused() throws IOException {
    long offset = real().offset();
    Tag tag = craft(rootAnd(fileAt("x", offset), fileAt("y", offset + 2)));
    assertRefused(tag, Failure.INTEGRITY,
        "the manifest is invalid: entry 'y' overlaps another file in object " + real().object().id());
  }

  @Test
  void fileRangeOutsideItsObjectIsRefused() throws IOException {
    Tag tag = craft(rootAnd(fileAt("x", real().object().paddedSize())));
    assertRefused(tag, Failure.INTEGRITY, "the manifest is malformed: entry 'x' has inconsistent sizes");
  }

  @Test
  void duplicateEntriesAreRefused() throws IOException {
    Tag tag = craft(rootAnd(fileAt("x"), new Entry.Symlink("x", 0777, Instant.EPOCH, "/etc/passwd")));
    assertRefused(tag, Failure.INTEGRITY, "the manifest is invalid: entry 'x' appears twice");
  }

  @Test
  void destinationThatIsNotEmptyIsRefusedAndUntouched() throws IOException {
    Files.createDirectories(dest);
    Files.writeString(dest.resolve("mine.txt"), "keep me");
    assertThatThrownBy(() -> VolumeReader.load(vol, key, sealed.tag()).extractTo(dest, Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.CANNOT_CREATE);
          assertThat(e.getMessage()).isEqualTo("destination " + dest + " is not empty");
        });
    assertThat(Files.readString(dest.resolve("mine.txt"))).isEqualTo("keep me");
    try (var s = Files.list(dest)) {
      assertThat(s.count()).isEqualTo(1);
    }
  }

  @Test
  void missingSourceIsRefused() {
    assertThatThrownBy(() -> new VolumeSealer().seal(tmp.resolve("nope"), tmp.resolve("v2"), key, Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.MISSING_INPUT);
          assertThat(e.getMessage()).isEqualTo("source " + tmp.resolve("nope") + " does not exist");
        });
    assertThat(tmp.resolve("v2")).doesNotExist();
  }

  @Test
  void unreadableSourceIsRefused() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
        "root reads any file, so an unreadable source cannot be made");
    Path secret = Trees.file(tmp.resolve("s2"), "locked", "x".getBytes());
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    assertThatThrownBy(() -> new VolumeSealer().seal(tmp.resolve("s2"), tmp.resolve("v2"), key, Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class,
            e -> assertThat(e.getMessage()).isEqualTo("cannot read " + secret));
  }

  @Test
  void sealIntoNonEmptyVolumeDirectoryIsRefused() {
    assertThatThrownBy(() -> new VolumeSealer().seal(src, vol, key, Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.CANNOT_CREATE);
          assertThat(e.getMessage()).isEqualTo("volume directory " + vol + " is not empty");
        });
    VolumeReader.load(vol, key, sealed.tag()).verify(Progress.NONE);
  }

  @Test
  void concurrentUpdateIsRefusedWhileTheLockIsHeld() {
    try (PreparedUpdate first = new VolumeSealer().update(vol, src, key, sealed.tag(), Progress.NONE)) {
      assertThat(first.result().generation()).isEqualTo(2);
      assertThatThrownBy(() -> new VolumeSealer().update(vol, src, key, sealed.tag(), Progress.NONE))
          .isInstanceOfSatisfying(VolumeException.class, e -> {
            assertThat(e.failure()).isEqualTo(Failure.BUSY);
            assertThat(e.getMessage()).isEqualTo("volume " + vol + " is being written by another process (a seal or an update)");
          });
    }
  }

  @Test
  void ofSeveralSealsStartedAtOnceIntoOneEmptyFolderOneWinsAndItsVolumeIsIntact() throws Exception {
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    int seals = 6;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(seals);
    List<SymmetricKey> keys = new ArrayList<>();
    List<java.util.concurrent.Future<SealResult>> outcomes = new ArrayList<>();
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(seals)) {
      for (int i = 0; i < seals; i++) {
        SymmetricKey k = SymmetricKey.generate();
        keys.add(k);
        outcomes.add(pool.submit(() -> {
          start.await();
          return new VolumeSealer().seal(src, shared, k, Progress.NONE);
        }));
      }
    }
    List<Integer> won = new ArrayList<>();
    for (int i = 0; i < seals; i++) {
      try {
        outcomes.get(i).get();
        won.add(i);
      } catch (java.util.concurrent.ExecutionException e) {
        // the others are refused: the folder is taken, or being written
        assertThat(e.getCause()).isInstanceOfSatisfying(VolumeException.class,
            v -> assertThat(v.failure()).isIn(Failure.BUSY, Failure.CANNOT_CREATE));
      }
    }
    assertThat(won).as("exactly one seal reports success").hasSize(1);
    SealResult winner = outcomes.get(won.getFirst()).get();
    VolumeReader.load(shared, keys.get(won.getFirst()), winner.tag()).verify(Progress.NONE);
  }

  @Test
  void aSecondWriterInTheSameProcessLeavesTheFirstOnesLockHeldForOtherProcesses() throws Exception {
    try (PreparedUpdate first = new VolumeSealer().update(vol, src, key, sealed.tag(), Progress.NONE)) {
      // the daemon serving a second update of the same volume, here through a link to it
      Path link = Files.createSymbolicLink(tmp.resolve("link-to-vol"), vol);
      assertThatThrownBy(() -> new VolumeSealer().update(link, src, key, sealed.tag(), Progress.NONE))
          .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.failure()).isEqualTo(Failure.BUSY));
      Process probe = new ProcessBuilder("/usr/bin/python3", "-c", """
          import fcntl, sys
          f = open(sys.argv[1], "r+")
          try:
              fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
              print("free")
          except OSError:
              print("held")
          """, vol.resolve("LOCK").toString()).redirectErrorStream(true).start();
      String answer = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      assertThat(probe.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(answer).as("the first update's lock, as another process sees it").isEqualTo("held");
      assertThat(first.result().generation()).isEqualTo(2);
    }
  }

  @Test
  void updateFromAStaleTagIsRefused() throws IOException {
    Files.writeString(src.resolve("a.txt"), "AAAAA");
    update();
    assertThatThrownBy(() -> new VolumeSealer().update(vol, src, key, sealed.tag(), Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
          assertThat(e.getMessage()).startsWith("no manifest of volume " + vol + " has tag " + sealed.tag());
        });
  }

  private Tag update() {
    try (PreparedUpdate u = new VolumeSealer().update(vol, src, key, sealed.tag(), Progress.NONE)) {
      u.commit();
      return u.result().tag();
    }
  }

  /** The reader trusts no volume file of the host's: huge, linked or FIFO manifests and objects are refused, never read. */
  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aHugeOrLinkedOrFifoManifestIsRefusedWithoutReadingIt() throws Exception {
    Path huge = vol.resolve("manifest.999");
    try (FileChannel f = FileChannel.open(huge, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      f.truncate(0).position(3_000_000_000L).write(java.nio.ByteBuffer.wrap(new byte[] {1}));
    }
    String hugeRefusal = huge + " has 3000000001 bytes, more than such a file can have (" + HostFile.MAX_MANIFEST + ")";
    assertThatThrownBy(() -> VolumeReader.load(vol, key, null)).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).isEqualTo(hugeRefusal);
    });
    assertThatThrownBy(() -> VolumeInspector.inspect(vol)).hasMessage(hugeRefusal);
    Files.delete(huge);

    Files.createSymbolicLink(vol.resolve("manifest.998"), Path.of("/dev/zero"));
    assertThatThrownBy(() -> VolumeReader.load(vol, key, sealed.tag())).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).isEqualTo(vol.resolve("manifest.998") + " is a symbolic link: a volume holds only regular files there");
    });
    Files.delete(vol.resolve("manifest.998"));

    Process mkfifo = new ProcessBuilder("mkfifo", vol.resolve("manifest.5").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertThatThrownBy(() -> VolumeReader.load(vol, key, null)).isInstanceOfSatisfying(VolumeException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTEGRITY);
      assertThat(e.getMessage()).contains("manifest.5 is not a regular file (a FIFO, socket or device)");
    });
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void anObjectReplacedByAFifoOrALinkIsRefused() throws Exception {
    Path object = objectOf("data/big.bin", sealed.tag());
    Files.delete(object);
    Process mkfifo = new ProcessBuilder("mkfifo", object.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertRefused(sealed.tag(), Failure.INTEGRITY, object + " is not a regular file (a FIFO, socket or device): a volume holds only regular files there");
    Files.delete(object);
    Files.createSymbolicLink(object, Path.of("/dev/zero"));
    assertRefused(sealed.tag(), Failure.INTEGRITY, object + " is a symbolic link: a volume holds only regular files there");
  }
}
