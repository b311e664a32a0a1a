package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.TlsIdentity;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two CAS replicas (same keys, one PostgreSQL) serve the same sessions: that is how the CAS scales. */
class TwoCasProcessesTest {
  @TempDir Path tmp;

  @Test
  void aSwapThroughOneIsSeenByTheOtherAndAStaleSwapThroughTheOtherIsRefused() throws Exception {
    try (PostgresDatabases postgres = new PostgresDatabases()) {
      String url = postgres.freshDatabase();
      TlsIdentity alice = TlsIdentity.create(tmp.resolve("alice"), "alice");
      CasHome first = CasHome.open(tmp.resolve("cas-a"), "127.0.0.1");
      // a replica carries the same key material (its operator copies the data folder's keys)
      Path replicaDir = tmp.resolve("cas-b");
      Files.createDirectories(replicaDir.resolve("tls"));
      for (String f : new String[] {"master-key.json", "tls/key.pem", "tls/cert.pem", AuditKey.FILE}) {
        Files.copy(first.dir().resolve(f), replicaDir.resolve(f), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
      Files.setPosixFilePermissions(replicaDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      CasHome second = CasHome.open(replicaDir);
      assertThat(second.created()).isFalse();
      try (CasServer a = CasServer.start(first, url, new InetSocketAddress("127.0.0.1", 0), Set.of(alice.keyHash()));
           CasServer b = CasServer.start(second, url, new InetSocketAddress("127.0.0.1", 0), Set.of(alice.keyHash()));
           CasClient viaA = CasClient.connect("a", URI.create(a.url()), a.fingerprint(), alice);
           CasClient viaB = CasClient.connect("b", URI.create(b.url()), b.fingerprint(), alice)) {
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
        viaA.createSession("name: shared\nvolumes:\n  - {name: V1}\n");
        assertThat(viaB.session("shared").hash()).isEqualTo(viaA.session("shared").hash());
        viaA.swap("shared", "V1", new TagSwap(null, CasRulesContract.tag(1)));
        assertThat(viaB.volume("shared", "V1").tag()).isEqualTo(CasRulesContract.tag(1));
        assertThatThrownBy(() -> viaB.swap("shared", "V1", new TagSwap(null, CasRulesContract.tag(2))))
            .isInstanceOfSatisfying(CasException.class, e -> assertThat(e.error()).isEqualTo("stale_tag"));
        viaB.swap("shared", "V1", new TagSwap(CasRulesContract.tag(1), CasRulesContract.tag(2)));
        assertThat(viaA.volume("shared", "V1").generation()).isEqualTo(2);
        assertThat(viaA.session("shared").volumes().getFirst().tag()).isEqualTo(CasRulesContract.tag(2));

        // Each process remembers the audit head it last committed; the other one moving it since
        // must be noticed. Alternate, then race, then check the chain end to end.
        for (int i = 0; i < 4; i++) {
          (i % 2 == 0 ? viaA : viaB).createSession("name: turn-" + i + "\nvolumes:\n  - {name: V}\n");
        }
        java.util.concurrent.ExecutorService racers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
          java.util.List<java.util.concurrent.Future<?>> swaps = new java.util.ArrayList<>();
          for (int i = 0; i < 4; i++) {
            CasClient via = i % 2 == 0 ? viaA : viaB;
            String session = "turn-" + i;
            swaps.add(racers.submit(() -> {
              for (int n = 1; n <= 10; n++) {
                via.swap(session, "V", new TagSwap(n == 1 ? null : CasRulesContract.tag(n - 1), CasRulesContract.tag(n)));
              }
              return null;
            }));
          }
          for (java.util.concurrent.Future<?> f : swaps) {
            f.get();
          }
        } finally {
          racers.shutdownNow();
        }
        dev.confide.cas.api.AuditLog log = viaB.audit(0, 1000);
        assertThat(AuditChain.verify(log, viaA.serverKey())).isEmpty();
        // 1 create + 2 swaps (and the volume's first use) above, 4 creates, 40 swaps and 4 first uses here
        assertThat(log.entries()).extracting(e -> e.kind()).filteredOn("tag.swap"::equals).hasSize(42);
        assertThat(log.headSeq()).isEqualTo(log.entries().size());
      }

      // a third replica set up without the audit key would sign entries of its own: it refuses to start
      Path keyless = tmp.resolve("cas-c");
      Files.createDirectories(keyless.resolve("tls"));
      for (String f : new String[] {"master-key.json", "tls/key.pem", "tls/cert.pem"}) {
        Files.copy(first.dir().resolve(f), keyless.resolve(f), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
      Files.setPosixFilePermissions(keyless, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      CasHome third = CasHome.open(keyless);
      assertThatThrownBy(() -> CasServer.start(third, url, new InetSocketAddress("127.0.0.1", 0), Set.of()))
          .isInstanceOfSatisfying(CasException.class, e -> {
            assertThat(e.error()).isEqualTo("audit_key_mismatch");
            assertThat(e.getMessage()).contains("is signed by another audit key than this CAS's (audit-key in its data folder)");
            assertThat(e.hint()).contains("copy them into this data folder");
          });
    }
  }
}
