package dev.confide.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk during seal or update: a clear refusal, and the old generation left intact. */
class DiskFullTest {
  @TempDir Path tmp;
  Path small;

  @BeforeEach
  void mountSmallTmpfs() throws Exception {
    small = Files.createDirectories(tmp.resolve("small"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a 1 MiB tmpfs here (needs root): " + out);
  }

  @AfterEach
  void unmount() throws Exception {
    new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
  }

  @Test
  void sealThatRunsOutOfSpaceLeavesNothingBehind() throws IOException {
    Path src = tmp.resolve("src");
    Trees.file(src, "huge.bin", Trees.random(3 << 20, 1));
    Path vol = small.resolve("vol");
    assertThatThrownBy(() -> new VolumeSealer().seal(src, vol, SymmetricKey.generate(), Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.IO);
          assertThat(e.getMessage()).isEqualTo("cannot write volume " + vol + ": No space left on device");
          assertThat(e.hint()).isEqualTo("free some space on that filesystem and retry");
        });
    assertThat(vol).doesNotExist();
  }

  @Test
  void updateThatRunsOutOfSpaceLeavesTheOldGenerationIntact() throws IOException {
    Path src = tmp.resolve("src");
    Trees.file(src, "a.bin", Trees.random(200_000, 2));
    Trees.file(src, "b.txt", "b".getBytes());
    Path vol = small.resolve("vol");
    SymmetricKey key = SymmetricKey.generate();
    SealResult sealed = new VolumeSealer().seal(src, vol, key, Progress.NONE);
    List<Path> objectsBefore = Trees.objects(vol);

    Files.writeString(src.resolve("b.txt"), "changed");
    Trees.file(src, "c.bin", Trees.random(2 << 20, 3));
    assertThatThrownBy(() -> new VolumeSealer().update(vol, src, key, sealed.tag(), Progress.NONE))
        .isInstanceOfSatisfying(VolumeException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.IO);
          assertThat(e.getMessage()).isEqualTo("cannot write volume " + vol + ": No space left on device");
        });

    assertThat(Trees.objects(vol)).isEqualTo(objectsBefore);
    assertThat(vol.resolve("manifest.2")).doesNotExist();
    VolumeReader.load(vol, key, sealed.tag()).verify(Progress.NONE);
    Files.delete(src.resolve("c.bin"));
    try (PreparedUpdate u = new VolumeSealer().update(vol, src, key, sealed.tag(), Progress.NONE)) {
      u.commit();
      VolumeReader.load(vol, key, u.result().tag()).verify(Progress.NONE);
    }
  }
}
