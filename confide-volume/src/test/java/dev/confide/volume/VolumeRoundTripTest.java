package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeRoundTripTest {
  @TempDir Path tmp;
  Path src;
  final SymmetricKey key = SymmetricKey.generate();

  /** Every file in an object of its own, so that a test can count objects per file. */
  final VolumeSealer unpacked = new VolumeSealer(VolumeSealer.DEFAULT_SEGMENT_SIZE, 2, VolumeSealer.Packing.NONE);

  /** The sample tree in {@code src}, sealed into {@code tmp/vol} under {@code key}. */
  private SealResult sealSample() throws IOException {
    return sealSample(new VolumeSealer());
  }

  private SealResult sealSample(VolumeSealer sealer) throws IOException {
    src = Trees.sample(tmp.resolve("src"));
    return sealer.seal(src, tmp.resolve("vol"), key, Progress.NONE);
  }

  @Test
  void sealedTreeOpensExactlyAsItWas() throws IOException {
    SealResult r = sealSample();

    VolumeReader.load(tmp.resolve("vol"), key, r.tag()).extractTo(tmp.resolve("out"), Progress.NONE);

    assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
    assertThat(r.files()).isEqualTo(7);
    assertThat(r.generation()).isEqualTo(1);
    // big.bin alone, the six small files together in one pack.
    assertThat(Trees.objects(tmp.resolve("vol"))).hasSize(2);
  }

  @Test
  void openIntoAnExistingEmptyDirectoryKeepsRootModeAndContent() throws IOException {
    SealResult r = sealSample();
    Path dest = Files.createDirectory(tmp.resolve("out"));

    VolumeReader.load(tmp.resolve("vol"), key, r.tag()).extractTo(dest, Progress.NONE);

    assertThat(Trees.describe(dest)).isEqualTo(Trees.describe(src));
    assertThat(Trees.stagingLeftovers(tmp)).isEmpty();
  }

  @Test
  void aNameThatAppearsInTheEmptyDestinationDuringTheOpenIsNeitherReplacedNorJoined() throws IOException {
    SealResult r = sealSample();
    Path dest = Files.createDirectory(tmp.resolve("out"));
    // someone else writes into the destination while the volume is being decrypted
    Progress intruding = new Progress() {
      @Override
      public void start(String task, long totalBytes) {}

      @Override
      public void advance(long bytes) {
        try {
          if (!Files.exists(dest.resolve("README"))) {
            Files.writeString(dest.resolve("README"), "someone else's file\n");
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public void finish() {}
    };

    assertThatThrownBy(() -> VolumeReader.load(tmp.resolve("vol"), key, r.tag()).extractTo(dest, intruding))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.CANNOT_CREATE);
          assertThat(e.getMessage()).isEqualTo("destination " + dest.toAbsolutePath() + " is no longer empty: README"
              + " appeared there while the volume was being opened; nothing of the volume was left in it");
        });
    try (var left = Files.list(dest)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("README");
    }
    assertThat(dest.resolve("README")).hasContent("someone else's file");
    assertThat(Trees.stagingLeftovers(tmp)).isEmpty();
  }

  @Test
  void aVolumeInsideItsOwnSourceIsRefusedForSealAndUpdate() throws IOException {
    Path source = Trees.sample(tmp.resolve("src"));
    List<String> before = Trees.describe(source);
    Path inside = source.resolve("data/vol");
    assertThatThrownBy(() -> new VolumeSealer().seal(source, inside, key, Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.CANNOT_CREATE);
          assertThat(e.getMessage()).isEqualTo("volume directory " + inside + " lies inside the source " + source
              + ": it would take in its own files as they are written");
        });
    assertThat(Trees.describe(source)).as("nothing written into the source").isEqualTo(before);
    // also when the volume's path reaches into the source through a link
    Path link = Files.createSymbolicLink(tmp.resolve("link"), source.resolve("data"));
    assertThatThrownBy(() -> new VolumeSealer().seal(source, link.resolve("vol"), key, Progress.NONE))
        .isInstanceOf(VolumeException.class).hasMessageContaining("lies inside the source");
    assertThat(Trees.describe(source)).isEqualTo(before);

    // a volume sealed from elsewhere into the tree cannot then be updated from that tree
    SealResult r = new VolumeSealer().seal(Trees.sample(tmp.resolve("other")), inside, key, Progress.NONE);
    assertThatThrownBy(() -> new VolumeSealer().update(inside, source, key, r.tag(), Progress.NONE))
        .isInstanceOf(VolumeException.class).hasMessage("volume directory " + inside + " lies inside the source "
            + source + ": it would take in its own files as they are written");
  }

  @Test
  void volumeShowsNoNamesAndHidesExactSizes() throws IOException {
    Path src = tmp.resolve("src");
    Trees.file(src, "payroll-2026-secret.xlsx", Trees.random(1000, 3));
    SymmetricKey key = SymmetricKey.generate();
    new VolumeSealer().seal(src, tmp.resolve("vol"), key, Progress.NONE);

    try (var s = Files.walk(tmp.resolve("vol"))) {
      List<String> names = s.map(p -> p.getFileName().toString()).toList();
      assertThat(names).noneMatch(n -> n.contains("payroll"));
    }
    for (Path p : Trees.objects(tmp.resolve("vol"))) {
      byte[] ct = Files.readAllBytes(p);
      // Padmé rounds 1000 up to 1024: the object does not reveal 1000.
      assertThat(ct.length).isEqualTo(40 + 1024 + 16);
    }
    byte[] manifest = Files.readAllBytes(tmp.resolve("vol/manifest.1"));
    assertThat(new String(manifest, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("payroll");
  }

  @Test
  void emptyTreeAndEmptyFileRoundTrip() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    SymmetricKey key = SymmetricKey.generate();
    SealResult r = new VolumeSealer().seal(src, tmp.resolve("vol"), key, Progress.NONE);
    VolumeReader.load(tmp.resolve("vol"), key, r.tag()).extractTo(tmp.resolve("out"), Progress.NONE);
    assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
  }

  @Test
  void fifoIsRefusedByNameAndNothingIsLeft() throws Exception {
    Path src = Trees.sample(tmp.resolve("src"));
    Path fifo = src.resolve("data/pipe");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    assertThatThrownBy(() -> new VolumeSealer().seal(src, tmp.resolve("vol"), SymmetricKey.generate(), Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.BAD_DATA);
          assertThat(e.getMessage()).isEqualTo("/data/pipe (" + fifo + ") is a FIFO, which a volume cannot hold");
        });
    assertThat(tmp.resolve("vol")).doesNotExist();
  }

  @Test
  void fifoFoundAfterObjectsWereBegunIsRefusedAndTheirVolumeIsEmptiedAgain() throws Exception {
    Path src = tmp.resolve("src");
    for (int i = 0; i < 12; i++) { // each larger than a pack takes: an object of its own, begun during the walk
      Trees.file(src, "a/big-" + i, Trees.random(300_000, i));
    }
    Path fifo = Files.createDirectories(src.resolve("z")).resolve("pipe"); // walked last
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path vol = Files.createDirectory(tmp.resolve("vol"));

    assertThatThrownBy(() -> new VolumeSealer().seal(src, vol, SymmetricKey.generate(), Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.BAD_DATA);
          assertThat(e.getMessage()).isEqualTo("/z/pipe (" + fifo + ") is a FIFO, which a volume cannot hold");
        });
    assertThat(vol).isEmptyDirectory();
  }

  @Test
  void aSealStoppedByItsProgressWhileStillWalkingLeavesNothing() throws Exception {
    Path src = tmp.resolve("src");
    for (int i = 0; i < 200; i++) {
      Trees.file(src, "d" + (i % 10) + "/f" + i, Trees.random(1000, i));
    }
    Path vol = tmp.resolve("vol");

    assertThatThrownBy(() -> new VolumeSealer().seal(src, vol, SymmetricKey.generate(), stoppingAtCheckpoint(50)))
        .isInstanceOf(IllegalStateException.class).hasMessage("stopped");
    assertThat(vol).doesNotExist();
  }

  @Test
  void anUpdateStoppedWhileItScansLeavesTheVolumeAsItWas() throws Exception {
    Path src = Trees.sample(tmp.resolve("src"));
    SymmetricKey key = SymmetricKey.generate();
    Path vol = tmp.resolve("vol");
    SealResult first = new VolumeSealer().seal(src, vol, key, Progress.NONE);
    Trees.file(src, "added.txt", "new".getBytes());

    assertThatThrownBy(() -> new VolumeSealer().update(vol, src, key, first.tag(), stoppingAtCheckpoint(1)))
        .isInstanceOf(IllegalStateException.class).hasMessage("stopped");
    assertThat(VolumeInspector.inspect(vol).generations()).extracting(VolumeInspector.Generation::number)
        .containsExactly(1L);
    VolumeReader.load(vol, key, first.tag()).verify(Progress.NONE);
    try (PreparedUpdate next = new VolumeSealer().update(vol, src, key, first.tag(), Progress.NONE)) {
      next.commit(); // the lock was released
      assertThat(next.result().generation()).isEqualTo(2);
    }
  }

  @Test
  void socketIsRefused() throws Exception {
    Path src = Trees.sample(tmp.resolve("src"));
    Path sock = src.resolve("control.sock");
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(sock));
      assertThatThrownBy(() -> new VolumeSealer().seal(src, tmp.resolve("vol"), SymmetricKey.generate(), Progress.NONE))
          .isInstanceOfSatisfying(VolumeException.class,
              e -> assertThat(e.getMessage()).contains("/control.sock").contains("is a socket"));
    }
    assertThat(tmp.resolve("vol")).doesNotExist();
  }

  @Test
  void characterDeviceIsRefused() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.createSymbolicLink(src.resolve("ok-link"), Path.of("/dev/null"));
    // A link to a device is fine (stored as a link); the device node itself is not.
    SealResult r = new VolumeSealer().seal(src, tmp.resolve("vol"), SymmetricKey.generate(), Progress.NONE);
    assertThat(r.files()).isZero();
    Path devSrc = Files.createDirectories(tmp.resolve("devsrc"));
    Process mknod = new ProcessBuilder("mknod", devSrc.resolve("null").toString(), "c", "1", "3").start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mknod.waitFor() == 0, "mknod needs root");
    assertThatThrownBy(() -> new VolumeSealer().seal(devSrc, tmp.resolve("vol2"), SymmetricKey.generate(), Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class,
            e -> assertThat(e.getMessage()).contains("/null").contains("is a character device"));
  }

  @Test
  void updateReencryptsOnlyChangedFilesAndKeepsTheRest() throws IOException {
    SealResult first = sealSample(unpacked);
    Path vol = tmp.resolve("vol");
    List<Path> before = Trees.objects(vol);

    Files.writeString(src.resolve("README"), "changed\n");
    Files.delete(src.resolve("empty"));
    Trees.file(src, "added.txt", "new".getBytes());
    SealResult second;
    try (PreparedUpdate u = unpacked.update(vol, src, key, first.tag(), Progress.NONE)) {
      second = u.result();
      // Until commit, both generations open.
      VolumeReader.load(vol, key, first.tag()).verify(Progress.NONE);
      VolumeReader.load(vol, key, second.tag()).verify(Progress.NONE);
      PreparedUpdate.GarbageCollection gc = u.commit();
      assertThat(gc.manifestsRemoved()).isEqualTo(1);
      assertThat(gc.objectsRemoved()).isEqualTo(2);
    }
    assertThat(second.generation()).isEqualTo(2);
    assertThat(second.filesEncrypted()).isEqualTo(2);
    assertThat(second.filesReused()).isEqualTo(5);
    List<Path> after = Trees.objects(vol);
    assertThat(after).hasSize(7);
    assertThat(before.stream().filter(after::contains)).hasSize(5);

    VolumeReader.load(vol, key, second.tag()).extractTo(tmp.resolve("out"), Progress.NONE);
    assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
    assertThat(VolumeInspector.inspect(vol).generations()).extracting(VolumeInspector.Generation::number)
        .containsExactly(2L);
  }

  @Test
  void objectFoldersAreMadeAsObjectsNeedThem() throws IOException {
    Path src = Trees.sample(tmp.resolve("src"));
    SymmetricKey key = SymmetricKey.generate();
    Path vol = tmp.resolve("vol");
    new VolumeSealer().seal(src, vol, key, Progress.NONE);

    List<Path> objects = Trees.objects(vol);
    try (var prefixes = Files.list(vol.resolve("objects"))) {
      assertThat(prefixes.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(objects.stream().map(o -> o.getParent().getFileName().toString())
              .distinct().toList());
    }
  }

  @Test
  void manyObjectsSharingPrefixFoldersFromSeveralThreadsRoundTrip() throws IOException {
    Path src = tmp.resolve("src");
    for (int i = 0; i < 600; i++) {
      Trees.file(src, "f" + i, Trees.random(100 + i, i));
    }
    SymmetricKey key = SymmetricKey.generate();
    Path vol = tmp.resolve("vol");
    SealResult r = new VolumeSealer(VolumeSealer.DEFAULT_SEGMENT_SIZE, 4, VolumeSealer.Packing.NONE)
        .seal(src, vol, key, Progress.NONE);

    assertThat(Trees.objects(vol)).hasSize(600); // 600 objects in at most 256 folders: most folders are shared
    VolumeReader.load(vol, key, r.tag()).extractTo(tmp.resolve("out"), Progress.NONE);
    assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
  }

  @Test
  void aVolumeWithAllObjectFoldersMadeUpFrontStillUpdatesAndOpens() throws IOException {
    SealResult first = sealSample(unpacked);
    Path vol = tmp.resolve("vol");
    for (int i = 0; i < 256; i++) { // what earlier versions made at seal time
      Path prefix = vol.resolve("objects").resolve(String.format("%02x", i));
      if (!Files.exists(prefix)) {
        Files.createDirectory(prefix);
      }
    }

    Trees.file(src, "added-1.txt", Trees.random(5000, 1));
    Trees.file(src, "added-2.txt", Trees.random(6000, 2));
    SealResult second;
    try (PreparedUpdate u = unpacked.update(vol, src, key, first.tag(), Progress.NONE)) {
      second = u.result();
      u.commit();
    }
    VolumeReader.load(vol, key, second.tag()).extractTo(tmp.resolve("out"), Progress.NONE);
    assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
    assertThat(second.filesEncrypted()).isEqualTo(2);
  }

  @Test
  void smallFilesSharePacksAndAPackIsReplacedWholeWhenOneOfItsFilesChanges() throws IOException {
    Path src = tmp.resolve("src");
    for (int i = 0; i < 300; i++) {
      Trees.file(src, "d/f" + i, Trees.random(20_000, i));
    }
    Trees.file(src, "large.bin", Trees.random(500_000, 999));
    SymmetricKey key = SymmetricKey.generate();
    Path vol = tmp.resolve("vol");
    SealResult first = new VolumeSealer().seal(src, vol, key, Progress.NONE);
    // 300 x 20,000 bytes in packs of at most 4 MiB: two packs, plus the large file's object.
    assertThat(Trees.objects(vol)).hasSize(3);
    Manifest m = VolumeReader.load(vol, key, first.tag()).manifest();
    assertThat(m.objects().values()).extracting(List::size).containsExactlyInAnyOrder(209, 91, 1);

    Files.write(src.resolve("d/f99"), Trees.random(20_000, 12345));
    try (PreparedUpdate u = new VolumeSealer().update(vol, src, key, first.tag(), Progress.NONE)) {
      // f99 sorts last, so it lives in the second pack: its 91 files are sealed anew, the rest is kept.
      assertThat(u.result().filesEncrypted()).isEqualTo(91);
      assertThat(u.result().filesReused()).isEqualTo(210);
      u.commit();
      VolumeReader.load(vol, key, u.result().tag()).extractTo(tmp.resolve("out"), Progress.NONE);
    }
    assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
    assertThat(Trees.objects(vol)).hasSize(3);
  }

  @Test
  void largeFilesWrittenByTheWriterThreadRoundTrip() throws IOException {
    Path src = tmp.resolve("src");
    Trees.file(src, "large.bin", Trees.random((9 << 20) + 12_345, 5));
    Trees.file(src, "exactly-threshold.bin", Trees.random((int) ObjectCodec.ASYNC_THRESHOLD, 6));
    SymmetricKey key = SymmetricKey.generate();
    SealResult r = new VolumeSealer().seal(src, tmp.resolve("vol"), key, Progress.NONE);
    VolumeReader.load(tmp.resolve("vol"), key, r.tag()).extractTo(tmp.resolve("out"), Progress.NONE);
    assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));

    Path object = Trees.objects(tmp.resolve("vol")).stream()
        .filter(p -> p.toFile().length() > (9 << 20)).findFirst().orElseThrow();
    Trees.flipByte(object, 40 + 65496 + 100L * 65536 + 5);
    assertThatThrownBy(() -> VolumeReader.load(tmp.resolve("vol"), key, r.tag()).extractTo(tmp.resolve("out2"), Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> assertThat(e.getMessage())
            .isEqualTo("object for /large.bin: authentication failed at segment 101 — the file was modified or replaced"));
    assertThat(tmp.resolve("out2")).doesNotExist();
  }

  /** Records what a long operation reported. */
  /** Stops the work ("stopped") at its {@code n}th checkpoint; fails the test if the work gets to start. */
  private static Progress stoppingAtCheckpoint(int n) {
    return new Progress() {
      private int checkpoints;

      @Override
      public void start(String task, long totalBytes) {
        throw new AssertionError("the walk should have been stopped before it ended");
      }

      @Override
      public void advance(long bytes) {}

      @Override
      public void finish() {}

      @Override
      public void checkpoint() {
        if (++checkpoints == n) {
          throw new IllegalStateException("stopped");
        }
      }
    };
  }

  static final class RecordingProgress implements Progress {
    final List<String> tasks = new java.util.ArrayList<>();
    long total;
    long advanced;
    int calls;
    boolean finished;

    @Override
    public void start(String task, long totalBytes) {
      tasks.add(task);
      total = totalBytes;
      advanced = 0;
      calls = 0;
      finished = false;
    }

    @Override
    public void advance(long bytes) {
      advanced += bytes;
      calls++;
    }

    @Override
    public void finish() {
      finished = true;
    }

    int checkpoints;

    @Override
    public void checkpoint() {
      checkpoints++;
    }
  }

  @Test
  void progressCoversEveryByteAndMovesWithinALargeFile() throws IOException {
    Path src = tmp.resolve("src");
    Trees.file(src, "large.bin", Trees.random(6 << 20, 8));
    Trees.file(src, "small.txt", "small".getBytes());
    SymmetricKey key = SymmetricKey.generate();
    RecordingProgress p = new RecordingProgress();

    SealResult r = new VolumeSealer().seal(src, tmp.resolve("vol"), key, p);
    assertThat(p.tasks).containsExactly("seal");
    assertThat(p.advanced).isEqualTo(p.total).isEqualTo((6 << 20) + 5);
    assertThat(p.calls).isGreaterThan(10);
    assertThat(p.finished).isTrue();

    VolumeReader.load(tmp.resolve("vol"), key, r.tag()).verify(p);
    assertThat(p.advanced).isEqualTo(p.total).isEqualTo((6 << 20) + 5);
    assertThat(p.calls).isGreaterThan(10);

    VolumeReader.load(tmp.resolve("vol"), key, r.tag()).extractTo(tmp.resolve("out"), p);
    assertThat(p.tasks).containsExactly("seal", "verify", "open");
    assertThat(p.advanced).isEqualTo(p.total);
    assertThat(p.finished).isTrue();
  }

  @Test
  void otherSegmentSizesRoundTrip() throws IOException {
    Path src = Trees.sample(tmp.resolve("src"));
    for (int seg : new int[] {4096, 1 << 20}) {
      SymmetricKey key = SymmetricKey.generate();
      SealResult r = new VolumeSealer(seg).seal(src, tmp.resolve("vol" + seg), key, Progress.NONE);
      VolumeReader.load(tmp.resolve("vol" + seg), key, r.tag()).extractTo(tmp.resolve("out" + seg), Progress.NONE);
      assertThat(Trees.describe(tmp.resolve("out" + seg))).isEqualTo(Trees.describe(src));
    }
  }

  @Test
  void padmeLeaksFewBitsAndAddsAtMostTwelvePercent() {
    assertThat(Padme.pad(0)).isZero();
    assertThat(Padme.pad(1)).isEqualTo(1);
    assertThat(Padme.pad(9)).isEqualTo(10);
    assertThat(Padme.pad(1000)).isEqualTo(1024);
    assertThat(Padme.pad(1L << 30)).isEqualTo(1L << 30);
    assertThat(Padme.pad(4096)).isEqualTo(4096);
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 100_000; i++) {
      long len = 2 + (r.nextLong() >>> (4 + r.nextInt(60)));
      long padded = Padme.pad(len);
      assertThat(padded).isGreaterThanOrEqualTo(len);
      assertThat((double) (padded - len) / len).isLessThanOrEqualTo(0.12);
    }
  }
}
