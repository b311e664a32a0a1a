package dev.confide.cas;

import dev.confide.cas.common.CasException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * SCONE's {@code security.singleton_enclaves}: at most one run of each of the session's services
 * lives at a time, so two copies of a service cannot both hold its secrets and volumes (a host
 * forking a service to race it against itself). A run lives while its run token does: until it
 * commits its volumes, ends, or goes {@value RunTokens#LIFETIME_MILLIS} ms without renewal (a
 * crashed runtime holds the service that long). The session's row is locked first, so two
 * attestations of one session are decided one after the other.
 */
final class SingletonRuns {
  private SingletonRuns() {}

  static void claim(Connection c, CasStore store, String session, String service, long now) throws SQLException {
    store.session(c, session, true);
    Long until = store.liveRunUntil(c, session, service, now);
    if (until != null) {
      throw new CasException(409, "singleton_running", "service " + service + " of session " + session
          + " already has a live run (its session allows one at a time, singleton_enclaves): its token lives until "
          + Instant.ofEpochMilli(until), "wait for that run to end (a run that died without ending holds the service until"
          + " its token expires)");
    }
  }
}
