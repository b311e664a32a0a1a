package dev.confide.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive's own ustar writing, read back by GNU tar (the reference implementation): blobs
 * streamed once and named afterwards by their digest, blobs of known digest, the index last; an
 * unfinished archive leaves nothing; a known blob that writes other bytes than measured is refused.
 */
class OciArchiveTest {
  @TempDir Path tmp;

  private String tar(Path dir, String... args) throws Exception {
    Process p = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("tar"), List.of(args).stream()).toList())
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void gnuTarReadsEveryBlobUnderItsDigestWithItsBytes() throws Exception {
    byte[] streamed = new byte[70_000 + 123];
    new Random(1).nextBytes(streamed);
    byte[] exact = new byte[UstarHeader.SIZE * 3];
    new Random(2).nextBytes(exact);
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path image = tmp.resolve("image.tar");
    Blob first;
    Blob second;
    try (OciArchive archive = OciArchive.open(work)) {
      first = archive.blob(out -> {
        out.write(streamed, 0, 1000);
        out.write(streamed, 1000, streamed.length - 1000);
      });
      second = archive.blob(Blob.of(exact));
      Blob config = archive.blob(Blob.of("{}".getBytes(StandardCharsets.UTF_8)));
      Blob manifest = archive.blob(Blob.of("{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8)));
      archive.finish(image, "app", manifest, config, List.of(first, second), false);
    }
    assertThat(first.digest()).isEqualTo(Blob.of(streamed).digest());
    assertThat(first.size()).isEqualTo(streamed.length);
    try (var left = Files.list(work)) {
      assertThat(left).as("the temporary archive was moved, not copied").isEmpty();
    }
    String listing = tar(tmp, "-tvf", image.toString());
    assertThat(listing).contains("blobs/sha256/" + first.hex(), "blobs/sha256/" + second.hex(), "index.json", "manifest.json",
        "oci-layout").contains(" " + streamed.length + " ");
    Path out = Files.createDirectory(tmp.resolve("out"));
    tar(out, "-xf", image.toString());
    assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + first.hex()))).isEqualTo(streamed);
    assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + second.hex()))).isEqualTo(exact);
    assertThat(Files.readString(out.resolve("index.json"))).contains(OciArchive.reference("app"));
    assertThat(Files.readString(out.resolve("manifest.json"))).contains("blobs/sha256/" + first.hex(), "blobs/sha256/" + second.hex());
  }

  @Test
  void anUnfinishedArchiveLeavesNothingAndAKnownBlobMustWriteWhatItWasMeasuredAt() throws Exception {
    Path work = Files.createDirectory(tmp.resolve("work"));
    Blob liar = new Blob(Blob.of(new byte[10]).digest(), 10, out -> out.write(new byte[11]));
    try (OciArchive archive = OciArchive.open(work)) {
      archive.blob(out -> out.write(new byte[5]));
      assertThatThrownBy(() -> archive.blob(liar)).hasMessageContaining("wrote 11 bytes, not the 10 it was measured at");
    }
    try (var left = Files.list(work)) {
      assertThat(left).isEmpty();
    }
    assertThatThrownBy(() -> UstarHeader.file("x".repeat(101), 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBlobWhoseContentFailsIsTakenOutAndSoIsOneDroppedAndTheSameBytesAreStoredOnce() throws Exception {
    Path work = Files.createDirectory(tmp.resolve("work"));
    Path image = tmp.resolve("image.tar");
    byte[] kept = new byte[3000];
    new Random(3).nextBytes(kept);
    Blob first;
    Blob again;
    try (OciArchive archive = OciArchive.open(work)) {
      first = archive.blob(out -> out.write(kept));
      assertThatThrownBy(() -> archive.blob(out -> {
        out.write(new byte[100_000]);
        throw new java.io.IOException("the layer cannot be read");
      })).hasMessage("the layer cannot be read");
      Blob guess = archive.blob(out -> out.write(new byte[777]));
      archive.drop(guess);
      assertThatThrownBy(() -> archive.drop(first)).isInstanceOf(IllegalStateException.class);
      again = archive.blob(out -> out.write(kept));
      Blob config = archive.blob(Blob.of("{}".getBytes(StandardCharsets.UTF_8)));
      archive.finish(image, "app", config, config, List.of(first, again), false);
    }
    assertThat(again.digest()).isEqualTo(first.digest());
    String listing = tar(tmp, "-tvf", image.toString());
    assertThat(listing.lines().filter(l -> l.contains("blobs/sha256/" + first.hex()))).hasSize(1);
    assertThat(listing.lines().filter(l -> l.contains("blobs/sha256/") && !l.trim().endsWith("/"))).hasSize(2);
    assertThat(listing).doesNotContain(" 100000 ").doesNotContain(" 777 ");
    Path out = Files.createDirectory(tmp.resolve("out"));
    tar(out, "-xf", image.toString());
    assertThat(Files.readAllBytes(out.resolve("blobs/sha256/" + first.hex()))).isEqualTo(kept);
  }
}
