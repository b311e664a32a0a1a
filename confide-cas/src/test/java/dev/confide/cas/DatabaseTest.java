package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flyway runs only when the schema is behind the newest migration. */
class DatabaseTest {
  @TempDir Path tmp;

  @Test
  void theLatestMigrationConstantNamesTheNewestMigrationFile() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
      int newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
          .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max(Comparator.naturalOrder()).orElseThrow();
      assertThat(Database.LATEST_MIGRATION).isEqualTo(Integer.toString(newest));
    }
  }

  @Test
  void aSchemaBehindTheNewestMigrationIsMigratedAgain() throws Exception {
    String url = Database.h2Url(tmp);
    try (Database db = Database.open(url, 2)) {
      assertThat(Database.upToDate(db.dataSource())).isTrue();
      try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
        // as if the database were from before the newest migration
        s.execute("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '" + Database.LATEST_MIGRATION + "'");
        s.execute("DROP TABLE otp_uses");
        c.commit();
      }
      assertThat(Database.upToDate(db.dataSource())).isFalse();
    }
    try (Database db = Database.open(url, 2); Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      assertThat(Database.upToDate(db.dataSource())).isTrue();
      s.executeQuery("SELECT session, last_step, failures, blocked_until FROM otp_uses").close();
    }
  }

  @Test
  void aReadWithoutTransactionLeavesTheNextWorkTransactional() throws Exception {
    Database.open(Database.h2Url(tmp), 2).close(); // migrated (Flyway needs two connections)
    try (Database db = Database.open(Database.h2Url(tmp), 1)) {
      CasStore store = new CasStore(db.dataSource());
      boolean readAutoCommits = store.read(c -> c.getAutoCommit());
      assertThat(readAutoCommits).isTrue();
      // the pool's one connection again: a transaction's statements must not have committed one by one
      boolean transactionAutoCommits = store.transaction(c -> c.getAutoCommit());
      assertThat(transactionAutoCommits).isFalse();
      assertThatThrownBy(() -> store.transaction(c -> {
        try (Statement s = c.createStatement()) {
          s.executeUpdate("UPDATE audit_head SET seq = 99 WHERE id = 1");
        }
        throw new IllegalStateException("refused after the update");
      })).hasMessage("refused after the update");
      long seq = store.read(c -> {
        try (Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery("SELECT seq FROM audit_head")) {
          r.next();
          return r.getLong(1);
        }
      });
      assertThat(seq).isZero();
    }
  }
}
