package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.attest.HostKey;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.cli.run.HostInitCommand;
import dev.confide.cli.run.HostKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several first runs at once (two terminals, or two requests to the daemon) make the user's
 * identity and this host's key once, and all of them use that one.
 */
class UserKeysLockTest {
  @TempDir Path tmp;

  /** What each of {@code n} threads, released together, got from {@code work}. */
  private static List<String> together(int n, Callable<String> work) throws Exception {
    CyclicBarrier start = new CyclicBarrier(n);
    List<Future<String>> got = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      for (int i = 0; i < n; i++) {
        got.add(pool.submit(() -> {
          start.await();
          return work.call();
        }));
      }
    }
    List<String> out = new ArrayList<>();
    for (Future<String> f : got) {
      out.add(f.get());
    }
    return out;
  }

  @Test
  @Timeout(60)
  void firstRunsAtOnceMakeOneIdentityAndUseIt() throws Exception {
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    List<String> used = together(6, () -> EmbeddedCas.userIdentity(dirs).keyHash());
    assertThat(used).containsOnly(TlsIdentity.load(dirs.identity()).keyHash());
  }

  @Test
  @Timeout(60)
  void firstRunsAtOnceMakeOneHostKeyAndUseIt() throws Exception {
    ConfideDirs dirs = new ConfideDirs(tmp.resolve("config"), tmp.resolve("data"));
    List<String> used = together(6, () -> HexFormat.of().formatHex(HostKeys.loadOrCreate(dirs).publicKey()));
    assertThat(used).containsOnly(HexFormat.of().formatHex(HostKey.load(HostInitCommand.keyFile(dirs)).publicKey()));
  }
}
