package dev.confide.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A value computed over a distribution's files is kept until one of them changes. */
class DistributionCacheTest {
  @TempDir Path home;

  @Test
  void aKeptValueServesUntilAFileChangesOrAppears() throws Exception {
    Files.createDirectories(home.resolve("lib"));
    Files.writeString(home.resolve("lib/a.jar"), "a");
    AtomicInteger computed = new AtomicInteger();
    DistributionCache.Computation count = () -> "value " + computed.incrementAndGet();
    assertThat(DistributionCache.get(home, "test", count)).isEqualTo("value 1");
    assertThat(DistributionCache.get(home, "test", count)).as("unchanged files: kept").isEqualTo("value 1");

    Files.writeString(home.resolve("lib/a.jar"), "b"); // same size, rewritten: its change time moves
    assertThat(DistributionCache.get(home, "test", count)).isEqualTo("value 2");
    Files.writeString(home.resolve("lib/b.jar"), "new");
    assertThat(DistributionCache.get(home, "test", count)).isEqualTo("value 3");
    assertThat(DistributionCache.get(home, "test", count)).isEqualTo("value 3");
    // a cache edited by hand to another fingerprint is not believed
    Path cache = home.resolve(".test.cache");
    Files.writeString(cache, "0".repeat(64) + "\nforged");
    assertThat(DistributionCache.get(home, "test", count)).isEqualTo("value 4");
  }
}
