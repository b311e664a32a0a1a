package dev.confide.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Stops a command from another thread: the daemon cancels a request whose client was interrupted
 * (Ctrl-C) or went away, and a JVM started for one command cancels it when asked to stop
 * ({@link StopOnSignal}). What registers here runs once, when that happens.
 */
public final class Cancellation {
  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;

  /** Runs {@code action} on cancel (at once if already cancelled) until the returned registration is closed. */
  public Registration onCancel(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        actions.add(action);
        return () -> {
          synchronized (this) {
            actions.remove(action);
          }
        };
      }
    }
    action.run();
    return () -> {};
  }

  public void cancel() {
    List<Runnable> now;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      now = List.copyOf(actions);
      actions.clear();
    }
    now.forEach(Runnable::run);
  }

  synchronized boolean cancelled() {
    return cancelled;
  }

  /** Ends a registration; never throws. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
