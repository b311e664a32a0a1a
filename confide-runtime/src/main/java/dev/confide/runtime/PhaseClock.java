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
  private final java.util.function.Consumer<String> starting;

  /** A clock that tells no one when a phase starts. */
  public PhaseClock() {
    this(phase -> { });
  }

  /** A clock that calls {@code starting} with each phase's name as it starts: progress for long runs. */
  public PhaseClock(java.util.function.Consumer<String> starting) {
    this.starting = starting;
  }

  public <T> T time(String phase, Supplier<T> work) {
    starting.accept(phase);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      record(phase, start);
    }
  }

  /** Says that {@code phase} starts now, for phases timed with {@link #record}. */
  public void starting(String phase) {
    starting.accept(phase);
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
