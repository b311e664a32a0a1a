package dev.confide.remote;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * One spare runtime process, started when a run ends and warmed up (its JVM, TLS, Tink,
 * its own measurement) by the time the next run wants it: the user's daemon hands it that run
 * instead of starting a cold one (docs/benchmarks.md). A spare holds no secret and no staging
 * area until it is launched, and serves exactly one run, as every runtime does: a process that
 * held one session's keys never runs another's. It is kept only for the same distribution and
 * arguments (host key, staging root); any other request stops it and starts fresh.
 */
public final class WarmRuntimes implements RuntimeStarter, AutoCloseable {
  /** How long a spare that is no longer wanted may take to end before it is killed. */
  private static final long STOP_SECONDS = 10;

  private record Key(RuntimeDistribution dist, List<String> arguments) {}

  private Key key;
  private RuntimeProcess spare;
  private boolean closed;

  @Override
  public RuntimeProcess start(RuntimeDistribution dist, List<String> arguments, PrintWriter notices) throws IOException {
    RuntimeProcess taken = take(new Key(dist, List.copyOf(arguments)));
    if (taken == null) {
      taken = RuntimeProcess.start(dist, arguments);
    }
    // the next spare starts when this run ends, not now: warming up beside this run slowed an
    // empty run from 0.64 to 0.90 s on two cores, to win 0.2 s only for runs that follow at once
    taken.attach(notices);
    return taken;
  }

  private synchronized RuntimeProcess take(Key wanted) {
    RuntimeProcess found = spare;
    Key itsKey = key;
    spare = null;
    key = null;
    if (found == null) {
      return null;
    }
    if (itsKey.equals(wanted) && found.alive()) {
      return found;
    }
    found.stop(STOP_SECONDS);
    return null;
  }

  /** Starts the next run's runtime now that this one ended (a spare of other arguments is replaced). */
  @Override
  public void ended(RuntimeDistribution dist, List<String> arguments) {
    Key wanted = new Key(dist, List.copyOf(arguments));
    RuntimeProcess old;
    synchronized (this) {
      if (closed || (spare != null && wanted.equals(key) && spare.alive())) {
        return;
      }
      old = spare;
      try {
        spare = RuntimeProcess.start(dist, arguments);
        key = wanted;
      } catch (IOException e) {
        spare = null; // the next run starts its own, and says why if it cannot
        key = null;
      }
    }
    if (old != null) {
      old.stop(STOP_SECONDS);
    }
  }

  /** Whether a spare is waiting (for tests and the daemon's status). */
  public synchronized boolean hasSpare() {
    return spare != null && spare.alive();
  }

  /** The spare, if any (tests). */
  synchronized RuntimeProcess spare() {
    return spare;
  }

  /** Ends the spare, if any; no other is started afterwards. */
  @Override
  public void close() {
    RuntimeProcess last;
    synchronized (this) {
      closed = true;
      last = spare;
      spare = null;
    }
    if (last != null) {
      last.stop(STOP_SECONDS);
    }
  }
}
