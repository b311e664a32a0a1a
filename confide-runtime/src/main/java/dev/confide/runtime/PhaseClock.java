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

    /** {@code bytes} of {@code total} (0: unknown) done so far by the task of {@code phase} under way. */
    default void progress(String phase, long bytes, long total) {}
  }

  /** How often a phase's progress is told at most (and once more when its task finishes). */
  static final long PROGRESS_EVERY_NANOS = 200_000_000L;

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
    return this.<T, RuntimeException>timed(phase, work::get);
  }

  /** Work that may throw {@code E}, timed as a phase. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T run() throws E;
  }

  /** As {@link #time(String, Supplier)}, for work that throws a checked exception. */
  public <T, E extends Exception> T timed(String phase, Work<T, E> work) throws E {
    listener.started(phase);
    long start = System.nanoTime();
    try {
      return work.run();
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

  /** Tells the listener that {@code phase} has done {@code bytes} of {@code total} (a client relaying a runtime's events). */
  public void progressed(String phase, long bytes, long total) {
    listener.progress(phase, bytes, total);
  }

  /**
   * The volume progress of {@code phase}'s tasks (opening, sealing), told to the listener at most
   * every 200 ms, and when a task finishes.
   */
  public dev.confide.volume.Progress progress(String phase) {
    return new dev.confide.volume.Progress() {
      private long total;
      private long done;
      private long toldAt;

      @Override
      public void start(String task, long totalBytes) {
        total = totalBytes;
        done = 0;
        toldAt = System.nanoTime();
      }

      @Override
      public void advance(long bytes) {
        done += bytes;
        long now = System.nanoTime();
        if (now - toldAt >= PROGRESS_EVERY_NANOS) {
          toldAt = now;
          listener.progress(phase, done, total);
        }
      }

      @Override
      public void finish() {
        listener.progress(phase, done, total);
      }
    };
  }

  public Map<String, Long> phases() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(millis));
  }
}
