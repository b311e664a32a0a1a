package dev.confide.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy is byte for byte the source, and the digest is the copy's, at every size around the 8 MiB runs. */
class CopyingHasherTest {
  @TempDir Path tmp;

  @Test
  void copiesAndHashesExactlyAtEverySize() throws Exception {
    Random random = new Random(7);
    for (int size : new int[] {0, 1, 4096, 8 << 20, (8 << 20) + 1, (20 << 20) + 12345}) {
      byte[] content = new byte[size];
      random.nextBytes(content);
      Path source = Files.write(tmp.resolve("source-" + size), content);
      Path copy = tmp.resolve("copy-" + size);
      byte[] digest = CopyingHasher.copy(source, copy);
      assertThat(Files.readAllBytes(copy)).as("size " + size).isEqualTo(content);
      assertThat(digest).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
    }
  }
}
