package dev.confide.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C or SIGTERM to a JVM started for one command: the command is cancelled and given time to
 * remove what it had begun, as the daemon does for its clients. Without this the JVM halts
 * wherever the command is, and a seal leaves half a volume and its key behind.
 */
public final class StopOnSignal {
  /** As long as a daemon's client waits for its cancelled request. */
  static final Duration PATIENCE = Duration.ofSeconds(30);
  /** A cancel usually lands within milliseconds; past this the user is told what the wait is for. */
  static final Duration NOTICE_AFTER = Duration.ofSeconds(2);

  private final Cancellation cancellation;
  private final PrintWriter err;
  private final CountDownLatch finished = new CountDownLatch(1);

  StopOnSignal(Cancellation cancellation, PrintWriter err) {
    this.cancellation = cancellation;
    this.err = err;
  }

  /** The shutdown hook: cancels, then returns once the command has {@link #finished()}, or after {@link #PATIENCE}. */
  Thread hook() {
    return new Thread(() -> {
      cancellation.cancel();
      try {
        if (!finished.await(NOTICE_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
          err.println("confide: stopping: waiting up to " + PATIENCE.minus(NOTICE_AFTER).toSeconds()
              + " s more for the command to remove what it had begun");
          err.flush();
          finished.await(PATIENCE.minus(NOTICE_AFTER).toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "confide-stop");
  }

  /** The command returned (its output written): the JVM may halt. */
  void finished() {
    finished.countDown();
  }
}
