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

  @Test
  void aRestartedDatabaseIsReportedWhileDownAndUsedAgainWithoutRestartingTheCas() throws Exception {
    Path data = tmp.resolve("pg");
    EmbeddedPostgres pg = postgres(data, 0);
    int port = pg.getPort();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE cas");
    }
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
        assertThat(client.ready()).contains("\"status\":\"ready\"");
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
}
