package dev.confide.cas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Access tokens and singleton services on a real PostgreSQL server (its read-committed transactions race for real). */
class StartGuardsPostgresTest extends StartGuardsTest {
  private static PostgresDatabases postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = new PostgresDatabases();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  String jdbcUrl() throws Exception {
    return postgres.freshDatabase();
  }
}
