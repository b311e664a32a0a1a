package dev.confide.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon's spare runtime: started when a run ends, handed to the next run with the same
 * distribution and arguments, replaced for other arguments, never reused after it served a run,
 * and gone when the pool closes.
 */
class WarmRuntimesTest {
  static final RuntimeDistribution DIST = RuntimeDistribution.at(Path.of(System.getProperty("confide.home"),
      "confide-runtime/target/dist"));
  @org.junit.jupiter.api.io.TempDir Path tmp;

  @Test
  @Timeout(120)
  void aSpareServesTheNextRunWithTheSameArgumentsOnly() throws Exception {
    dev.confide.attest.HostKey.create(tmp.resolve("host-key"));
    List<String> args = List.of("--host-key", tmp.resolve("host-key").toString());
    try (WarmRuntimes pool = new WarmRuntimes()) {
      assertThat(pool.hasSpare()).isFalse();
      pool.ended(DIST, args);
      assertThat(pool.hasSpare()).isTrue();
      RuntimeProcess first = spare(pool);
      StringWriter notes = new StringWriter();
      RuntimeProcess taken = pool.start(DIST, args, new PrintWriter(notes, true));
      assertThat(taken).isSameAs(first);
      assertThat(pool.hasSpare()).as("a spare serves one run").isFalse();
      // the warmed runtime waited for its launch: launched at a CAS that is not there, it says so
      taken.launch(new dev.confide.runtime.events.RunLaunch(java.net.URI.create("https://127.0.0.1:1"),
          "SHA256:" + "A".repeat(43), "s", "app", java.util.Map.of(), false));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> taken.await(phase -> { }))
          .isInstanceOfSatisfying(dev.confide.cas.common.CasException.class, e -> assertThat(e.status()).isZero());

      pool.ended(DIST, args);
      RuntimeProcess second = spare(pool);
      assertThat(second).isNotSameAs(first);
      RuntimeProcess other = pool.start(DIST, List.of("--host-key", "/other"), new PrintWriter(new StringWriter()));
      assertThat(other).as("other arguments: a fresh runtime").isNotSameAs(second);
      assertThat(second.alive()).as("the spare of other arguments was stopped").isFalse();
      other.stop(10);

      pool.ended(DIST, args);
      RuntimeProcess last = spare(pool);
      pool.close();
      assertThat(last.alive()).isFalse();
      pool.ended(DIST, args);
      assertThat(pool.hasSpare()).as("a closed pool starts none").isFalse();
    }
  }

  private static RuntimeProcess spare(WarmRuntimes pool) {
    return pool.spare();
  }
}
