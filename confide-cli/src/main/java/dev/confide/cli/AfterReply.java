package dev.confide.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * When a command's resources are closed that nobody waits for once its result is out (the
 * embedded CAS a run started: 10-30 ms of stopping Jetty and closing H2). A JVM started for one
 * command closes them at once ({@link #NOW}); the daemon closes them after it has sent its
 * client the exit code ({@link #afterTheReply}), so that the user's command ends that much sooner.
 * Nothing secret outlives the request: the daemon's request thread closes them right after.
 */
public final class AfterReply {
  /** Closes at once. */
  public static final AfterReply NOW = new AfterReply(false);

  private final boolean deferring;
  private final List<AutoCloseable> pending = new ArrayList<>();

  private AfterReply(boolean deferring) {
    this.deferring = deferring;
  }

  /** One request's: what it hands over is closed by {@link #closeAll} after the reply. */
  public static AfterReply afterTheReply() {
    return new AfterReply(true);
  }

  /** Closes {@code resource} now, or keeps it for {@link #closeAll}. */
  public void close(AutoCloseable resource) throws Exception {
    if (!deferring) {
      resource.close();
      return;
    }
    synchronized (pending) {
      pending.add(resource);
    }
  }

  /** Closes what was handed over, last first; a failure is written to {@code log} and the rest still closed. */
  public void closeAll(PrintWriter log) {
    List<AutoCloseable> all;
    synchronized (pending) {
      all = new ArrayList<>(pending);
      pending.clear();
    }
    for (AutoCloseable c : all.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        log.println("confide daemon: closing " + c + " after a reply failed: " + e);
        log.flush();
      }
    }
  }
}
