package dev.confide.cas;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One-time passwords on a real PostgreSQL server. */
class OneTimePasswordPostgresTest extends OneTimePasswordTest {
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
