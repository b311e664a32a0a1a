package dev.confide.cas;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Whether the database answers now, for {@code /health/ready}: one {@code SELECT 1} through the
 * pool, given at most {@link #timeout} before the answer is "unreachable" (a stopped database
 * server does not refuse, it hangs). At most one probe is under way: callers meanwhile wait for
 * that one, so a load balancer probing often never piles up connections on a hanging database.
 */
final class DatabaseProbe {
  /** What a probe found; {@code problem} null when the database answered. */
  record Result(boolean reachable, long millis, String problem) {}

  private final DataSource dataSource;
  private final Duration timeout;
  private final CasMetrics metrics;
  private CompletableFuture<Result> underWay;

  DatabaseProbe(DataSource dataSource, Duration timeout, CasMetrics metrics) {
    this.dataSource = dataSource;
    this.timeout = timeout;
    this.metrics = metrics;
  }

  Result probe() {
    CompletableFuture<Result> probing;
    synchronized (this) {
      if (underWay == null || underWay.isDone()) {
        underWay = CompletableFuture.supplyAsync(this::ping, task -> Thread.ofVirtual().name("cas-database-probe").start(task));
      }
      probing = underWay;
    }
    Result result;
    try {
      result = probing.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result = new Result(false, timeout.toMillis(), "the database did not answer within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = new Result(false, 0, "interrupted");
    } catch (ExecutionException e) {
      result = new Result(false, 0, String.valueOf(e.getCause()));
    }
    metrics.databaseProbe(result.reachable());
    return result;
  }

  private Result ping() {
    long start = System.nanoTime();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
      s.execute("SELECT 1");
      c.rollback();
      return new Result(true, (System.nanoTime() - start) / 1_000_000, null);
    } catch (SQLException e) {
      return new Result(false, (System.nanoTime() - start) / 1_000_000, CasStore.unreachable(e)
          ? "the database cannot be reached" : "the database refused a query (SQL state " + e.getSQLState() + ")");
    }
  }
}
