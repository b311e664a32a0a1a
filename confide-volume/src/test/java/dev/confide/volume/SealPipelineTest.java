package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pieces that let a seal write objects while it still walks its source. */
class SealPipelineTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp;

  /** Each object is announced once, complete (its size then is its size at the end), and every object is announced. */
  @Test
  void everyObjectIsAnnouncedOnceWhenComplete() throws Exception {
    java.nio.file.Path source = java.nio.file.Files.createDirectories(tmp.resolve("source"));
    for (int i = 0; i < 12; i++) {
      // large files (an object each, some written by a second thread) and small ones (packed)
      java.nio.file.Files.write(source.resolve("big-" + i), new byte[(i % 3 == 0 ? 5 << 20 : 300 << 10) + i]);
      java.nio.file.Files.writeString(source.resolve("small-" + i), "small " + i);
    }
    java.util.Map<java.nio.file.Path, Long> announced = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicInteger twice = new AtomicInteger();
    java.nio.file.Path volume = tmp.resolve("volume");
    SealResult sealed = new VolumeSealer(64 << 10, 2, VolumeSealer.Packing.DEFAULT).seal(source, volume, SymmetricKey.generate(),
        Progress.NONE, object -> {
          try {
            if (announced.put(object, java.nio.file.Files.size(object)) != null) {
              twice.incrementAndGet();
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    List<java.nio.file.Path> objects;
    try (var walk = java.nio.file.Files.walk(volume.resolve(VolumeLayout.OBJECTS))) {
      objects = walk.filter(java.nio.file.Files::isRegularFile).toList();
    }
    assertThat(twice).hasValue(0);
    assertThat(announced.keySet()).containsExactlyInAnyOrderElementsOf(objects);
    for (java.nio.file.Path o : objects) {
      assertThat(announced.get(o)).as(o.toString()).isEqualTo(java.nio.file.Files.size(o));
    }
    assertThat(objects).hasSizeGreaterThan(8);
    assertThat(sealed.files()).isEqualTo(24);
  }

  @Test
  void runsEveryTaskSubmittedBeforeFinishReturns() throws Exception {
    ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
    try (Parallel.Feed feed = new Parallel.Feed(2)) {
      for (int i = 0; i < 500; i++) {
        int n = i;
        feed.submit(() -> ran.add(n));
      }
      feed.finish();
    }
    assertThat(ran).hasSize(500).doesNotHaveDuplicates();
  }

  @Test
  void aTaskQueuedBeforeTheFirstFailureIsSkippedAndFinishRethrowsIt() throws Exception {
    AtomicInteger ranAfter = new AtomicInteger();
    CountDownLatch secondQueued = new CountDownLatch(1);
    try (Parallel.Feed feed = new Parallel.Feed(1)) {
      feed.submit(() -> {
        try {
          secondQueued.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        throw new IOException("disk full");
      });
      feed.submit(ranAfter::incrementAndGet); // one worker, still busy with the first: queued behind it
      secondQueued.countDown();
      assertThatThrownBy(feed::finish).isInstanceOf(IOException.class).hasMessage("disk full");
    }
    assertThat(ranAfter).hasValue(0);
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void onceATaskHasFailedSubmitThrowsItSoThatWhoeverFindsTasksStops() throws Exception {
    try (Parallel.Feed feed = new Parallel.Feed(1)) {
      feed.submit(() -> {
        throw new IOException("disk full");
      });
      // submits until the failure has been recorded (a loop on the condition, no timing)
      assertThatThrownBy(() -> {
        while (true) {
          feed.submit(() -> { });
        }
      }).isInstanceOf(java.io.UncheckedIOException.class).hasRootCauseMessage("disk full");
      assertThatThrownBy(feed::finish).isInstanceOf(IOException.class).hasMessage("disk full");
    }
  }

  @Test
  void closingWithoutFinishingWaitsForTheRunningTaskAndSkipsTheQueuedOnes() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean firstCompleted = new AtomicBoolean();
    AtomicInteger queuedRan = new AtomicInteger();
    Thread closer;
    try (Parallel.Feed feed = new Parallel.Feed(1)) {
      feed.submit(() -> {
        running.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        firstCompleted.set(true);
      });
      running.await();
      for (int i = 0; i < 5; i++) {
        feed.submit(queuedRan::incrementAndGet);
      }
      closer = Thread.ofPlatform().start(feed::close);
      while (closer.getState() != Thread.State.WAITING && closer.isAlive()) {
        Thread.onSpinWait(); // until close() waits for the worker
      }
      assertThat(firstCompleted).isFalse();
      release.countDown();
      closer.join();
      assertThat(firstCompleted).isTrue();
    }
    assertThat(queuedRan).hasValue(0);
  }

  @Test
  void packerGroupsSmallFilesUpToThePackSizeAndSendsLargeOnesAlone() {
    List<List<String>> objects = new java.util.ArrayList<>();
    Packer packer = new Packer(new VolumeSealer.Packing(100, 250),
        files -> objects.add(files.stream().map(SourceEntry::path).toList()));
    for (String name : List.of("a:50", "b:100", "big:101", "c:100", "d:1", "e:0")) {
      String[] f = name.split(":");
      packer.add(new SourceEntry(f[0], null, SourceEntry.Kind.FILE, 0644, java.time.Instant.EPOCH,
          Long.parseLong(f[1]), null));
    }
    // a+b+c make 250 bytes, which fits exactly; d would exceed it, so that pack goes on and d opens the next
    assertThat(objects).containsExactly(List.of("big"), List.of("a", "b", "c"));
    packer.finish();
    assertThat(objects).containsExactly(List.of("big"), List.of("a", "b", "c"), List.of("d", "e"));
  }

  @Test
  void lateStartProgressPassesEarlyAdvancesOnInOrderOnceStarted() {
    VolumeRoundTripTest.RecordingProgress target = new VolumeRoundTripTest.RecordingProgress();
    LateStartProgress late = new LateStartProgress(target);
    late.advance(10);
    late.advance(20);
    assertThat(target.checkpoints).isEqualTo(2); // each early advance is a checkpoint of the target
    late.finish(); // nothing started: nothing to finish
    assertThat(target.finished).isFalse();
    assertThat(target.tasks).isEmpty();

    late.start("seal", 100);
    late.advance(30);
    late.finish();
    assertThat(target.tasks).containsExactly("seal");
    assertThat(target.total).isEqualTo(100);
    assertThat(target.advanced).isEqualTo(60);
    assertThat(target.calls).isEqualTo(3);
    assertThat(target.finished).isTrue();
  }
}
