package dev.confide.cas;

import static dev.confide.cas.CasRulesContract.refused;
import static dev.confide.cas.CasRulesContract.tag;
import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cas.api.TagSwap;
import dev.confide.cas.client.CasClient;
import dev.confide.cas.common.TlsIdentity;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CAS while its PostgreSQL is down, and after: refusals that say so (503 database_unavailable,
 * which clients report with exit code 69), liveness apart from readiness, and recovery by itself
 * once the same server is back, with nothing acknowledged lost and the audit chain whole.
 */
class DatabaseOutageTest {
  @TempDir Path tmp;

  private static EmbeddedPostgres postgres(Path data, int port) throws Exception {
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false);
    return (port == 0 ? b : b.setPort(port)).start();
  }

  /** {@code pg}, with an empty database "cas" made in it. */
  private static EmbeddedPostgres withCasDatabase(EmbeddedPostgres pg) throws java.sql.SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE cas");
    }
    return pg;
  }

  /** The readiness answer once it is 200, asking again while it is 503, for at most {@code seconds}. */
  private static String readyWithin(CasClient client, int seconds) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try {
        return client.ready();
      } catch (dev.confide.cas.common.CasException notYet) {
        if (notYet.status() != 503 || System.nanoTime() > deadline) {
          throw notYet;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // polling a state, not racing
      }
    }
  }

  @Test
  void aRestartedDatabaseIsReportedWhileDownAndUsedAgainWithoutRestartingTheCas() throws Exception {
    Path data = tmp.resolve("pg");
    EmbeddedPostgres pg = withCasDatabase(postgres(data, 0));
    int port = pg.getPort();
    String url = pg.getJdbcUrl("postgres", "cas");
    TlsIdentity alice = TlsIdentity.create(tmp.resolve("alice"), "alice");
    try (CasServer server = CasServer.start(CasHome.open(tmp.resolve("cas"), "127.0.0.1"), url,
            new InetSocketAddress("127.0.0.1", 0), Set.of(alice.keyHash()));
         CasClient client = CasClient.connect("cas", URI.create(server.url()), server.fingerprint(), alice)) {
      assertThat(client.ready()).contains("\"status\":\"ready\"");
      client.createSession("name: app\nvolumes:\n  - {name: V}\n");
      client.swap("app", "V", new TagSwap(null, tag(1)));

      pg.close();
      // alive, not ready; every database request refused as unavailable, with a hint
      assertThat(client.health()).contains("ok");
      refused(client::ready, 503, "database_unavailable", "");
      refused(() -> client.swap("app", "V", new TagSwap(tag(1), tag(2))), 503, "database_unavailable",
          "cannot reach its database");
      refused(() -> client.session("app"), 503, "database_unavailable", "cannot reach its database");
      assertThat(client.metrics()).contains("confide_cas_database_up 0.0");

      pg = postgres(data, port);
      try {
        // ready again by itself once the pool has a connection to the new server (polled, bounded)
        assertThat(readyWithin(client, 30)).contains("\"status\":\"ready\"");
        // the refused swap did not happen; the acknowledged one is there; the next one goes through
        assertThat(client.volume("app", "V").tag()).isEqualTo(tag(1));
        assertThat(client.swap("app", "V", new TagSwap(tag(1), tag(2))).generation()).isEqualTo(2);
        String metrics = client.metrics();
        assertThat(metrics).contains("confide_cas_database_up 1.0")
            .contains("hikaricp_connections_active").contains("confide_cas_database_transactions_seconds_count");
        java.security.PublicKey casKey = TlsIdentity.load(tmp.resolve("cas/tls")).certificate().getPublicKey();
        assertThat(AuditChain.verify(client.audit(0, 1000), casKey)).isEmpty();
      } finally {
        pg.close();
      }
    }
  }

  @Test
  void swapsUnderwayWhenTheDatabaseRestartsLoseNothingAndLeaveNoLockBehind() throws Exception {
    Path data = tmp.resolve("pg");
    EmbeddedPostgres pg = withCasDatabase(postgres(data, 0));
    int port = pg.getPort();
    TlsIdentity alice = TlsIdentity.create(tmp.resolve("alice"), "alice");
    int callers = 8;
    try (CasServer server = CasServer.start(CasHome.open(tmp.resolve("cas"), "127.0.0.1"), pg.getJdbcUrl("postgres", "cas"),
            new InetSocketAddress("127.0.0.1", 0), Set.of(alice.keyHash()))) {
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicLong afterRestart = new java.util.concurrent.atomic.AtomicLong(-1);
      long[] acknowledged = new long[callers];
      java.util.List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
      try {
        for (int i = 0; i < callers; i++) {
          int me = i;
          running.add(pool.submit(() -> {
            try (CasClient client = CasClient.connect("cas", URI.create(server.url()), server.fingerprint(), alice)) {
              client.createSession("name: s" + me + "\nvolumes:\n  - {name: V}\n");
              // moves on to the next tag only once this one is acknowledged: answered, or found committed
              while (!stop.get()) {
                dev.confide.volume.Tag from = acknowledged[me] == 0 ? null : tag(me * 100_000 + (int) acknowledged[me]);
                dev.confide.volume.Tag to = tag(me * 100_000 + (int) acknowledged[me] + 1);
                try {
                  client.swap("s" + me, "V", new TagSwap(from, to));
                } catch (dev.confide.cas.common.CasException e) {
                  if (e.status() != 409 && e.status() != 503) {
                    throw e;
                  }
                  try {
                    if (!to.equals(client.volume("s" + me, "V").tag())) {
                      continue;
                    }
                  } catch (dev.confide.cas.common.CasException unavailable) {
                    continue;
                  }
                }
                acknowledged[me]++;
                if (afterRestart.get() >= 0) {
                  afterRestart.incrementAndGet();
                }
              }
            }
            return null;
          }));
        }
        while (java.util.Arrays.stream(acknowledged).anyMatch(n -> n < 3)) {
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // polling for progress, not a wait to win a race
        }
        pg.close();
        pg = postgres(data, port);
        afterRestart.set(0);
        // every caller gets through again, on the pool's new connections (a lock left held would stop them all)
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (afterRestart.get() < 10L * callers && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(afterRestart.get()).as("swaps acknowledged after the restart").isGreaterThanOrEqualTo(10L * callers);
        stop.set(true);
        for (java.util.concurrent.Future<?> f : running) {
          f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
      } finally {
        stop.set(true);
        pool.shutdownNow();
      }
      assertThat(server.service().store().auditOrderHeld()).isFalse();
      try (CasClient client = CasClient.connect("cas", URI.create(server.url()), server.fingerprint(), alice)) {
        for (int i = 0; i < callers; i++) {
          dev.confide.cas.api.VolumeState v = client.volume("s" + i, "V");
          assertThat(v.generation()).as("caller " + i + "'s volume").isEqualTo(acknowledged[i]);
          assertThat(v.tag()).isEqualTo(tag(i * 100_000 + (int) acknowledged[i]));
        }
        java.security.PublicKey casKey = TlsIdentity.load(tmp.resolve("cas/tls")).certificate().getPublicKey();
        assertThat(AuditChain.verify(client.audit(0, 100_000), casKey)).isEmpty();
      }
    } finally {
      pg.close();
    }
  }
}
