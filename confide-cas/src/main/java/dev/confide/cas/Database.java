package dev.confide.cas;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.confide.cas.common.CasException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The CAS's storage connection: an H2 file in the data folder by default, or any PostgreSQL given
 * by JDBC URL; pooled by HikariCP, schema brought up to date by Flyway on every start.
 */
public final class Database implements AutoCloseable {
  private static final String POSTGRESQL = "jdbc:postgresql:";
  /** How long a request waits for a database connection before it is refused as unavailable. */
  static final long CONNECTION_TIMEOUT_MILLIS = 3_000;

  private final HikariDataSource pool;
  private final String description;
  private final boolean shared;

  private Database(HikariDataSource pool, String description, boolean shared) {
    this.pool = pool;
    this.description = description;
    this.shared = shared;
  }

  /** The default: {@code DIR/cas.mv.db}, created on first use. */
  public static String h2Url(Path dataDir) {
    // H2 re-plans any statement missing from its small per-connection cache (8 by default); a
    // tag swap alone runs six different ones
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("cas") + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;MAX_COMPACT_TIME=0";
  }

  /**
   * Opens and migrates. User and password for PostgreSQL come from the URL ({@code ?user=..&password=..})
   * or the environment ({@code PGUSER}, {@code PGPASSWORD}), never from the command line.
   */
  public static Database open(String jdbcUrl, int poolSize) {
    return open(jdbcUrl, poolSize, null);
  }

  /** {@link #open(String, int)}, the pool's figures registered in {@code metrics} (null: nowhere). */
  public static Database open(String jdbcUrl, int poolSize, io.micrometer.core.instrument.MeterRegistry metrics) {
    boolean postgresql = jdbcUrl.startsWith(POSTGRESQL);
    if (!jdbcUrl.startsWith("jdbc:h2:") && !postgresql) {
      throw CasException.badRequest("unsupported database URL " + redact(jdbcUrl),
          "use jdbc:postgresql://HOST:PORT/DB or leave --db out for the embedded H2 database");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("confide-cas");
    config.setAutoCommit(false);
    // while the database is down, a request waits this long for a connection and is then answered
    // 503 database_unavailable; the pool reconnects by itself once the database is back
    config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    config.setInitializationFailTimeout(10_000);
    if (metrics != null) {
      config.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(metrics));
    }
    if (postgresql) {
      String user = System.getenv("PGUSER");
      String password = System.getenv("PGPASSWORD");
      if (user != null && !jdbcUrl.contains("user=")) {
        config.setUsername(user);
      }
      if (password != null && !jdbcUrl.contains("password=")) {
        config.setPassword(password);
      }
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new CasException(503, "database_unavailable", "cannot connect to " + redact(jdbcUrl) + ": "
          + rootMessage(e), "check that the database runs and the URL, user and password are right");
    }
    if (!upToDate(pool)) {
      Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    }
    return new Database(pool, redact(jdbcUrl), postgresql);
  }

  /** The version of the newest migration in {@code db/migration} (a test keeps the two in step). */
  static final String LATEST_MIGRATION = "6";

  /**
   * Whether the newest migration already ran. Flyway's start (it scans, checksums and validates
   * every migration) took a quarter of a second of each embedded CAS's start; it runs only when
   * the schema is behind, or when its history cannot be read.
   */
  static boolean upToDate(DataSource ds) {
    try (Connection c = ds.getConnection();
         Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE"
             + " AND \"version\" IS NOT NULL ORDER BY \"installed_rank\" DESC")) {
      boolean current = r.next() && LATEST_MIGRATION.equals(r.getString(1));
      c.rollback();
      return current;
    } catch (SQLException e) {
      return false;
    }
  }

  public DataSource dataSource() {
    return pool;
  }

  /**
   * Whether other CAS processes may serve this database too (PostgreSQL); an H2 file belongs to
   * one data folder.
   */
  public boolean shared() {
    return shared;
  }

  /** The URL without any password, for messages. */
  public String description() {
    return description;
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  @Override
  public void close() {
    pool.close();
  }
}
