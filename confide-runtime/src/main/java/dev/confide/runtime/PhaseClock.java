package dev.confide.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Times the phases of a run, in the order they happen, for the summary and {@code --json}. Used
 * from one thread; a phase that ran beside others is added with {@link #add} once it is done.
 */
public final class PhaseClock {
  private final Map<String, Long> millis = new LinkedHashMap<>();

  public <T> T time(String phase, Supplier<T> work) {
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      record(phase, start);
    }
  }

  /** Adds the time since {@code startNanos} (a {@link System#nanoTime()}) to {@code phase}. */
  public void record(String phase, long startNanos) {
    millis.merge(phase, (System.nanoTime() - startNanos) / 1_000_000, Long::sum);
  }

  /** Adds {@code ms} milliseconds measured elsewhere (on another thread) to {@code phase}. */
  public void add(String phase, long ms) {
    millis.merge(phase, ms, Long::sum);
  }

  public void time(String phase, Runnable work) {
    time(phase, () -> {
      work.run();
      return null;
    });
  }

  public Map<String, Long> phases() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(millis));
  }
}
