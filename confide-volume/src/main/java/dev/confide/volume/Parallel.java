package dev.confide.volume;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs per-file tasks on a few threads; stops taking new tasks at the first failure and rethrows it.
 * {@link #run} takes a list known up front, a {@link Feed} tasks still being found.
 */
final class Parallel {
  interface Task {
    void run() throws IOException;
  }

  private Parallel() {}

  static int defaultThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  static void run(List<Task> tasks, int threads) throws IOException {
    int workers = Math.min(threads, tasks.size());
    if (workers <= 1) {
      for (Task t : tasks) {
        t.run();
      }
      return;
    }
    try (Feed feed = new Feed(workers)) {
      tasks.forEach(feed::submit);
      feed.finish();
    } catch (UncheckedIOException e) { // an early task's failure, met while the rest were handed over
      throw e.getCause();
    }
  }

  private static void rethrow(Throwable t) throws IOException {
    switch (t) {
      case null -> { }
      case IOException io -> throw io;
      case RuntimeException re -> throw re;
      case Error err -> throw err;
      default -> throw new IllegalStateException(t);
    }
  }

  /**
   * Tasks handed over while more are still being found (a seal's objects while the source is
   * still being walked): the workers start on the first at once. After the first failure the
   * remaining tasks are skipped, {@link #submit} throws it and {@link #finish} rethrows it.
   * Closing without finishing skips what is queued and waits for what is running, so that the
   * caller can remove what was begun.
   */
  static final class Feed implements AutoCloseable {
    private static final Task END = () -> { };
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean abandoned;
    private boolean ended;

    Feed(int threads) {
      for (int w = 0; w < Math.max(1, threads); w++) {
        workers.add(Thread.ofPlatform().daemon().name("confide-worker").start(this::work));
      }
    }

    /**
     * Queues {@code task}, or throws the first failure of an earlier one (unchecked: an I/O error
     * wrapped in an {@link UncheckedIOException}), so that whoever is still finding tasks stops.
     */
    void submit(Task task) {
      switch (failure.get()) {
        case null -> queue.add(task);
        case IOException io -> throw new UncheckedIOException(io);
        case RuntimeException re -> throw re;
        case Error err -> throw err;
        case Throwable t -> throw new IllegalStateException(t);
      }
    }

    /** Waits until every task submitted has run; rethrows the first failure. */
    void finish() throws IOException {
      end();
      rethrow(failure.get());
    }

    @Override
    public void close() {
      if (!ended) {
        abandoned = true;
        end();
      }
    }

    private void work() {
      try {
        for (Task t = queue.take(); t != END; t = queue.take()) {
          if (failure.get() == null && !abandoned) {
            try {
              t.run();
            } catch (Throwable e) {
              failure.compareAndSet(null, e);
            }
          }
        }
      } catch (InterruptedException e) {
        failure.compareAndSet(null, new InterruptedIOException("interrupted"));
      }
    }

    private void end() {
      ended = true;
      workers.forEach(w -> queue.add(END));
      boolean interrupted = false;
      for (Thread w : workers) {
        while (true) {
          try {
            w.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true; // the workers write into the volume: wait for them all the same
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
