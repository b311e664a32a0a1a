package dev.confide.volume;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Runs per-file tasks on a few threads; stops taking new tasks at the first failure and rethrows it. */
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
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ExecutorService pool = Executors.newFixedThreadPool(workers,
        r -> Thread.ofPlatform().daemon().name("confide-worker").unstarted(r));
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        running.add(pool.submit(() -> {
          int i;
          while (failure.get() == null && (i = next.getAndIncrement()) < tasks.size()) {
            try {
              tasks.get(i).run();
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
            }
          }
        }));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    } catch (ExecutionException e) {
      failure.compareAndSet(null, e.getCause());
    } finally {
      pool.shutdownNow();
    }
    Throwable t = failure.get();
    switch (t) {
      case null -> { }
      case IOException io -> throw io;
      case RuntimeException re -> throw re;
      case Error err -> throw err;
      default -> throw new IllegalStateException(t);
    }
  }
}
