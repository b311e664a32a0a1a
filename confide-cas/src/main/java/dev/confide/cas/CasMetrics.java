package dev.confide.cas;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The figures {@code /metrics} shows, in Prometheus text format: requests, tag swaps, sessions, the
 * database's transactions and readiness, and the connection pool's own figures ({@code hikaricp_*}:
 * connections active, idle and pending, time to acquire one).
 */
public final class CasMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** 1 when the last readiness probe reached the database, 0 when it did not, -1 before any. */
  private final AtomicInteger databaseUp = new AtomicInteger(-1);
  private final Timer committed;
  private final Timer rolledBack;
  private final Timer reads;

  CasMetrics() {
    Gauge.builder("confide_cas_database_up", databaseUp, AtomicInteger::get)
        .description("whether the last readiness probe (/health/ready) reached the database: 1 yes, 0 no, -1 not probed yet")
        .register(registry);
    committed = transactions("committed");
    rolledBack = transactions("rolled_back");
    reads = transactions("read");
  }

  private Timer transactions(String outcome) {
    return Timer.builder("confide_cas_database_transactions")
        .description("database work per request, from taking a connection to its commit or rollback")
        .tag("outcome", outcome).publishPercentiles(0.5, 0.99).register(registry);
  }

  /** Counts the stored sessions by asking {@code sessionCount} at each scrape (NaN while the database cannot answer). */
  void sessions(LongSupplier sessionCount) {
    Gauge.builder("confide_cas_sessions", () -> {
      try {
        return sessionCount.getAsLong();
      } catch (RuntimeException unavailable) {
        return Double.NaN;
      }
    }).description("sessions stored").register(registry);
  }

  /** Where the connection pool registers its figures. */
  MeterRegistry registry() {
    return registry;
  }

  void transaction(long nanos, boolean ok) {
    (ok ? committed : rolledBack).record(nanos, TimeUnit.NANOSECONDS);
  }

  void read(long nanos) {
    reads.record(nanos, TimeUnit.NANOSECONDS);
  }

  void databaseProbe(boolean up) {
    databaseUp.set(up ? 1 : 0);
  }

  void request(String route, int status, long nanos) {
    Timer.builder("confide_cas_requests")
        .description("API requests by route and status")
        .tag("route", route).tag("status", Integer.toString(status))
        .publishPercentiles(0.5, 0.99)
        .register(registry).record(Duration.ofNanos(nanos));
  }

  void tagSwap(String outcome) {
    Counter.builder("confide_cas_tag_swaps").description("tag swaps by outcome")
        .tag("outcome", outcome).register(registry).increment();
  }

  String scrape() {
    return registry.scrape();
  }
}
