package dev.confide.cas;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;

/** The figures {@code /metrics} shows, in Prometheus text format. */
public final class CasMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  CasMetrics(LongSupplier sessionCount) {
    Gauge.builder("confide_cas_sessions", sessionCount::getAsLong)
        .description("sessions stored").register(registry);
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
