package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.volume.PreparedUpdate;
import dev.confide.volume.Progress;
import dev.confide.volume.SealResult;
import dev.confide.volume.SymmetricKey;
import dev.confide.volume.Tag;
import dev.confide.volume.TreeAuthenticator;
import dev.confide.volume.TreeVerifier;
import dev.confide.volume.VolumeReader;
import dev.confide.volume.VolumeSealer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled file-shield command (what the daemon does when its client presses Ctrl-C) stops at
 * its next progress report and leaves no trace: the cancel here comes from inside the work, at its
 * first report, so the test needs no timing.
 */
class CancellableProgressTest {
  @TempDir Path tmp;

  /** Cancels {@code cancellation} when the work first reports progress. */
  private static Progress cancellingAtFirstReport(Cancellation cancellation) {
    return new Progress() {
      @Override
      public void start(String task, long totalBytes) {}

      @Override
      public void advance(long bytes) {
        cancellation.cancel();
      }

      @Override
      public void finish() {}
    };
  }

  private Path tree(String name, int files, int size) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    for (int i = 0; i < files; i++) {
      byte[] content = new byte[size];
      content[0] = (byte) i;
      content[size - 1] = (byte) name.length();
      Files.write(dir.resolve("f" + i), content);
    }
    return dir;
  }

  @Test
  void aCancelledUpdateLeavesTheOldGenerationAsItWas() throws IOException {
    SymmetricKey key = SymmetricKey.generate();
    Path vol = tmp.resolve("vol");
    SealResult first = new VolumeSealer().seal(tree("a", 3, 1000), vol, key, Progress.NONE);
    Cancellation cancellation = new Cancellation();
    Progress progress = new CancellableProgress(cancellingAtFirstReport(cancellation), cancellation, "volume update");

    assertThatThrownBy(() -> new VolumeSealer().update(vol, tree("b", 40, 300_000), key, first.tag(), progress))
        .isInstanceOfSatisfying(CliFailure.class, f -> {
          assertThat(f.exitCode()).isEqualTo(ExitCodes.CANCELLED);
          assertThat(f.getMessage()).isEqualTo("'volume update' was cancelled before it finished");
        });

    try (Stream<Path> files = Files.list(vol)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("manifest.")))
          .containsExactly("manifest.1");
    }
    VolumeReader.load(vol, key, first.tag()).verify(Progress.NONE);
    // and the next update goes through from the old tag
    try (PreparedUpdate next = new VolumeSealer().update(vol, tree("c", 2, 500), key, first.tag(), Progress.NONE)) {
      next.commit();
      assertThat(next.result().generation()).isEqualTo(2);
    }
  }

  @Test
  void aCancelledSealRemovesTheVolumeItBegan() throws IOException {
    Cancellation cancellation = new Cancellation();
    Progress progress = new CancellableProgress(cancellingAtFirstReport(cancellation), cancellation, "volume seal");
    Path vol = tmp.resolve("vol");
    assertThatThrownBy(() -> new VolumeSealer().seal(tree("a", 40, 300_000), vol, SymmetricKey.generate(), progress))
        .isInstanceOf(CliFailure.class).hasMessage("'volume seal' was cancelled before it finished");
    assertThat(vol).doesNotExist();
  }

  @Test
  void aCancelledTreeAuthenticationWritesNoManifest() throws IOException {
    Cancellation cancellation = new Cancellation();
    Progress progress = new CancellableProgress(cancellingAtFirstReport(cancellation), cancellation, "tree authenticate");
    Path dir = tree("usr", 3, 200_000);
    Path manifest = dir.resolve(TreeAuthenticator.DEFAULT_MANIFEST);
    assertThatThrownBy(() -> TreeAuthenticator.authenticate(dir, SymmetricKey.generate(), manifest, progress))
        .isInstanceOf(CliFailure.class).hasMessage("'tree authenticate' was cancelled before it finished");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("f0", "f1", "f2");
    }
  }

  @Test
  void aCancelledTreeVerificationStopsAtItsFirstChunk() throws IOException {
    Path dir = tree("usr", 3, 200_000);
    Path manifest = dir.resolve(TreeAuthenticator.DEFAULT_MANIFEST);
    SymmetricKey key = SymmetricKey.generate();
    Tag tag = TreeAuthenticator.authenticate(dir, key, manifest);
    Cancellation cancellation = new Cancellation();
    List<Long> checked = new ArrayList<>();
    Progress counting = new Progress() {
      @Override
      public void start(String task, long totalBytes) {}

      @Override
      public void advance(long bytes) {
        checked.add(bytes);
        cancellation.cancel();
      }

      @Override
      public void finish() {}
    };
    TreeVerifier verifier = TreeVerifier.load(dir, key, tag, manifest);
    assertThatThrownBy(() -> verifier.verifyAll(manifest, new CancellableProgress(counting, cancellation, "tree verify")))
        .isInstanceOf(CliFailure.class).hasMessage("'tree verify' was cancelled before it finished");
    assertThat(checked).as("one 64 KiB chunk of 600,000 bytes was checked").containsExactly(65_536L);
  }

  @Test
  void aCheckpointAfterACancelStopsTheWorkBeforeItHasAnythingToReport() {
    Cancellation cancellation = new Cancellation();
    Progress progress = new CancellableProgress(Progress.NONE, cancellation, "volume seal");
    progress.checkpoint(); // not cancelled: goes on
    cancellation.cancel();
    assertThatThrownBy(progress::checkpoint).isInstanceOfSatisfying(CliFailure.class,
        f -> assertThat(f.exitCode()).isEqualTo(ExitCodes.CANCELLED));
  }

  @Test
  void withoutACancelTheWorkIsUntouched() throws IOException {
    Cancellation cancellation = new Cancellation();
    SealResult r = new VolumeSealer().seal(tree("a", 5, 2000), tmp.resolve("vol"), SymmetricKey.generate(),
        new CancellableProgress(Progress.NONE, cancellation, "volume seal"));
    assertThat(r.files()).isEqualTo(5);
  }
}
