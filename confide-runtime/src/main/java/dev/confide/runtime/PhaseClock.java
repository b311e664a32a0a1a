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
  /** Told as each phase starts and ends: progress for long runs, and the runtime's event stream. */
  public interface Listener {
    void started(String phase);

    /** {@code millis}: what this stretch of the phase took (a phase may run in several stretches). */
    default void ended(String phase, long millis) {}
  }

  private final Map<String, Long> millis = new LinkedHashMap<>();
  private final Listener listener;

  /** A clock that tells no one when a phase starts. */
  public PhaseClock() {
    this(phase -> { });
  }

  /** A clock that tells {@code listener} as phases start and end. */
  public PhaseClock(Listener listener) {
    this.listener = listener;
  }

  public <T> T time(String phase, Supplier<T> work) {
    listener.started(phase);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      record(phase, start);
    }
  }

  /** Says that {@code phase} starts now, for phases timed with {@link #record}. */
  public void starting(String phase) {
    listener.started(phase);
  }

  /** Adds the time since {@code startNanos} (a {@link System#nanoTime()}) to {@code phase}. */
  public void record(String phase, long startNanos) {
    add(phase, (System.nanoTime() - startNanos) / 1_000_000);
  }

  /** Adds {@code ms} milliseconds measured elsewhere (on another thread, another process) to {@code phase}. */
  public void add(String phase, long ms) {
    millis.merge(phase, ms, Long::sum);
    listener.ended(phase, ms);
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
