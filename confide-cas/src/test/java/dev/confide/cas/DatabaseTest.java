package dev.confide.cas;

import static org.assertj.core.api.Assertions.assertThat;

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
        s.execute("DROP INDEX nonces_caller");
        s.execute("ALTER TABLE nonces DROP COLUMN caller");
        c.commit();
      }
      assertThat(Database.upToDate(db.dataSource())).isFalse();
    }
    try (Database db = Database.open(url, 2); Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      assertThat(Database.upToDate(db.dataSource())).isTrue();
      s.executeQuery("SELECT caller FROM nonces").close();
    }
  }
}
