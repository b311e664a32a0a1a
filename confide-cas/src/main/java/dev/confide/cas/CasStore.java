package dev.confide.cas;

import dev.confide.cas.common.CasException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The CAS's rows, in SQL that runs unchanged on H2 and PostgreSQL. Every method works inside the
 * transaction {@link #transaction} opened; the rules about what may change live in {@link CasService}.
 */
final class CasStore {
  private final DataSource dataSource;
  /**
   * Orders audit appends within this process. The head row lock alone is enough for correctness
   * (it also orders several CAS processes on one PostgreSQL), but many transactions waiting on one
   * row inside the database wake each other in herds; waiting here, and letting go only after
   * commit, leaves at most one of this process's transactions waiting on the row.
   */
  private final ReentrantLock auditOrder = new ReentrantLock();
  /** What the holder of {@link #auditOrder} asked to run once its transaction committed. */
  private Runnable afterAuditCommit;

  /**
   * Whether the database is PostgreSQL, which answers each statement over the network: there, a
   * statement saved is a round trip saved (on two cores, round trips were most of a swap's cost).
   */
  private final boolean postgresql;

  private final CasMetrics metrics;

  CasStore(DataSource dataSource) {
    this(dataSource, false, new CasMetrics());
  }

  CasStore(DataSource dataSource, boolean postgresql, CasMetrics metrics) {
    this.dataSource = dataSource;
    this.postgresql = postgresql;
    this.metrics = metrics;
  }

  DataSource dataSource() {
    return dataSource;
  }

  boolean postgresql() {
    return postgresql;
  }

  /**
   * Taken by an audit append; held until its transaction has committed or rolled back. Returns
   * true when this call took it (the transaction's first append): {@code afterCommit} then runs
   * once the transaction has committed, still under the order, and not at all after a rollback.
   */
  boolean holdAuditOrder(Runnable afterCommit) {
    if (auditOrder.isHeldByCurrentThread()) {
      return false;
    }
    auditOrder.lock();
    afterAuditCommit = afterCommit;
    return true;
  }

  /** Whether any thread holds the audit order now (tests: none may once the requests are answered). */
  boolean auditOrderHeld() {
    return auditOrder.isLocked();
  }

  /** Work done in one transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  record StoredSession(String name, String hash, String predecessor, String creator, String document, String updatedAt) {}

  record StoredSecret(String session, String name, String kind, String origin, String specDigest, String sealed) {
    @Override
    public String toString() {
      return "StoredSecret[" + session + "/" + name + "]";
    }
  }

  record StoredVolume(String session, String name, String updatePolicy, String sealedKey, String tag, long generation) {
    @Override
    public String toString() {
      return "StoredVolume[" + session + "/" + name + ", tag " + tag + "]";
    }
  }

  /** Binds {@code values} to the statement's parameters in order (String, Long or null strings). */
  private static PreparedStatement bind(PreparedStatement q, Object... values) throws SQLException {
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof Long l) {
        q.setLong(i + 1, l);
      } else {
        q.setString(i + 1, (String) values[i]);
      }
    }
    return q;
  }

  <T> T transaction(Work<T> work) {
    long start = System.nanoTime();
    boolean committed = false;
    try (Connection c = dataSource.getConnection()) {
      try {
        T result = work.run(c);
        c.commit();
        committed = true;
        if (auditOrder.isHeldByCurrentThread()) {
          afterAuditCommit.run();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException broken) {
          // a connection the failure broke cannot roll back; the failure itself is what to report
          e.addSuppressed(broken);
        }
        throw e;
      } finally {
        metrics.transaction(System.nanoTime() - start, committed);
        if (auditOrder.isHeldByCurrentThread()) {
          afterAuditCommit = null;
          auditOrder.unlock();
        }
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /**
   * Work that only reads, without a transaction: each statement sees its own snapshot and none has
   * to be begun or committed (on PostgreSQL a round trip fewer). For reads whose statements need
   * not agree with each other beyond what each one returns.
   */
  <T> T read(Work<T> work) {
    long start = System.nanoTime();
    // the pool sets a connection back to its default (no auto-commit) when it is returned
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      try {
        return work.run(c);
      } finally {
        metrics.read(System.nanoTime() - start);
      }
    } catch (SQLException e) {
      throw failed(e);
    }
  }

  /**
   * A database failure as the API tells it: unreachable (no connection within the pool's timeout,
   * or the connection broke) or refusing; both 503, which clients report with exit code 69.
   */
  static CasException failed(SQLException e) {
    if (unreachable(e)) {
      return new CasException(503, "database_unavailable", "the CAS cannot reach its database",
          "retry in a few seconds: the CAS reconnects by itself once the database is back; if it persists, check the database server");
    }
    return new CasException(503, "database_error", "the database refused the request: " + e.getMessage(),
        "retry; if it persists, check the database server");
  }

  /**
   * Whether {@code e} says the database could not be reached: SQL state class 08 (connection), 57P01-03
   * (the server shuts down, crashed, or is starting: what a pooled connection meets when the server
   * restarts), or the pool's timeout.
   */
  static boolean unreachable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException
          || t instanceof SQLException s && s.getSQLState() != null
              && (s.getSQLState().startsWith("08") || s.getSQLState().matches("57P0[123]"))) {
        return true;
      }
    }
    return false;
  }

  Optional<StoredSession> session(Connection c, String name, boolean forUpdate) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT name, hash, predecessor, creator, document, updated_at FROM sessions WHERE name = ?"
        + (forUpdate ? " FOR UPDATE" : ""))) {
      q.setString(1, name);
      try (ResultSet r = q.executeQuery()) {
        return r.next()
            ? Optional.of(new StoredSession(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6)))
            : Optional.empty();
      }
    }
  }

  /** A session, and the row of one of its own volumes read with it (empty: not used yet). */
  record SessionVolume(StoredSession session, Optional<StoredVolume> volume) {}

  /** {@link #session} and {@link #volume} of the session's own volume {@code volumeName}, in one statement. */
  Optional<SessionVolume> sessionWithVolume(Connection c, String name, String volumeName) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT s.name, s.hash, s.predecessor, s.creator, s.document, s.updated_at,"
        + " v.name, v.update_policy, v.sealed_key, v.tag, v.generation"
        + " FROM sessions s LEFT JOIN volumes v ON v.session = s.name AND v.name = ? WHERE s.name = ?")) {
      bind(q, volumeName, name);
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        StoredSession session = new StoredSession(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            r.getString(5), r.getString(6));
        Optional<StoredVolume> volume = r.getString(7) == null ? Optional.empty()
            : Optional.of(new StoredVolume(session.name(), r.getString(7), r.getString(8), r.getString(9), r.getString(10),
                r.getLong(11)));
        return Optional.of(new SessionVolume(session, volume));
      }
    }
  }

  void insertSession(Connection c, StoredSession s) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "INSERT INTO sessions (name, hash, predecessor, creator, document, updated_at) VALUES (?,?,?,?,?,?)")) {
      bind(q, s.name(), s.hash(), s.predecessor(), s.creator(), s.document(), s.updatedAt());
      q.executeUpdate();
    }
    insertVersion(c, s);
  }

  /** Replaces the session iff its hash is still {@code expectedHash}; false when someone else won. */
  boolean replaceSession(Connection c, StoredSession s, String expectedHash) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "UPDATE sessions SET hash = ?, predecessor = ?, document = ?, updated_at = ? WHERE name = ? AND hash = ?")) {
      bind(q, s.hash(), s.predecessor(), s.document(), s.updatedAt(), s.name(), expectedHash);
      if (q.executeUpdate() != 1) {
        return false;
      }
    }
    insertVersion(c, s);
    return true;
  }

  private void insertVersion(Connection c, StoredSession s) throws SQLException {
    try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM session_versions WHERE hash = ?")) {
      exists.setString(1, s.hash());
      try (ResultSet r = exists.executeQuery()) {
        if (r.next()) {
          return;
        }
      }
    }
    try (PreparedStatement q = c.prepareStatement(
        "INSERT INTO session_versions (hash, name, document, created_at) VALUES (?,?,?,?)")) {
      bind(q, s.hash(), s.name(), s.document(), s.updatedAt());
      q.executeUpdate();
    }
  }

  long sessionCount() {
    return transaction(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM sessions"); ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    });
  }

  Map<String, StoredSecret> secrets(Connection c, String session) throws SQLException {
    Map<String, StoredSecret> found = new LinkedHashMap<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT session, name, kind, origin, spec_digest, sealed FROM secrets WHERE session = ? ORDER BY name")) {
      q.setString(1, session);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          found.put(r.getString(2), new StoredSecret(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
              r.getString(5), r.getString(6)));
        }
      }
    }
    return found;
  }

  void replaceSecrets(Connection c, String session, Iterable<StoredSecret> secrets) throws SQLException {
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM secrets WHERE session = ?")) {
      delete.setString(1, session);
      delete.executeUpdate();
    }
    try (PreparedStatement q = c.prepareStatement(
        "INSERT INTO secrets (session, name, kind, origin, spec_digest, sealed) VALUES (?,?,?,?,?,?)")) {
      for (StoredSecret s : secrets) {
        bind(q, s.session(), s.name(), s.kind(), s.origin(), s.specDigest(), s.sealed());
        q.addBatch();
      }
      q.executeBatch();
    }
  }

  Optional<StoredVolume> volume(Connection c, String session, String name) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT session, name, update_policy, sealed_key, tag, generation FROM volumes WHERE session = ? AND name = ?")) {
      bind(q, session, name);
      try (ResultSet r = q.executeQuery()) {
        return r.next()
            ? Optional.of(new StoredVolume(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getLong(6)))
            : Optional.empty();
      }
    }
  }

  /** The rows of all of {@code session}'s own volumes used so far, by name. */
  Map<String, StoredVolume> volumes(Connection c, String session) throws SQLException {
    Map<String, StoredVolume> found = new LinkedHashMap<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT session, name, update_policy, sealed_key, tag, generation FROM volumes WHERE session = ?")) {
      q.setString(1, session);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          found.put(r.getString(2), new StoredVolume(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
              r.getString(5), r.getLong(6)));
        }
      }
    }
    return found;
  }

  /** Inserts a volume seen for the first time; false when another transaction inserted it first. */
  boolean insertVolume(Connection c, StoredVolume v) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "INSERT INTO volumes (session, name, update_policy, sealed_key, tag, generation) VALUES (?,?,?,?,?,?)")) {
      return insertedUnlessDuplicate(bind(q, v.session(), v.name(), v.updatePolicy(), v.sealedKey(), v.tag(), v.generation()));
    }
  }

  /** Runs an INSERT; false when a row with its key exists (another transaction inserted it first). */
  private static boolean insertedUnlessDuplicate(PreparedStatement insert) throws SQLException {
    try {
      insert.executeUpdate();
      return true;
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  /** Compare-and-swap of the tag; with {@code check} false the old tag is not compared. */
  boolean swapTag(Connection c, String session, String name, String oldTag, String newTag, boolean check) throws SQLException {
    String sql = "UPDATE volumes SET tag = ?, generation = generation + 1 WHERE session = ? AND name = ?"
        + (check ? " AND tag IS NOT DISTINCT FROM ?" : "");
    try (PreparedStatement q = c.prepareStatement(sql)) {
      bind(q, newTag, session, name);
      if (check) {
        q.setString(4, oldTag);
      }
      return q.executeUpdate() == 1;
    }
  }

  void updatePolicy(Connection c, String session, String name, String policy) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("UPDATE volumes SET update_policy = ? WHERE session = ? AND name = ?")) {
      bind(q, policy, session, name);
      q.executeUpdate();
    }
  }

  /** Records that {@code host.registeredBy()} vouches for the host; false when a row for both exists already. */
  boolean insertSimHost(Connection c, dev.confide.cas.api.SimHost host) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("INSERT INTO sim_hosts (registered_by, key_hash, registered_at) VALUES (?,?,?)")) {
      return insertedUnlessDuplicate(bind(q, host.registeredBy(), host.keyHash(), host.registeredAt()));
    }
  }

  boolean simHostRegistered(Connection c, String principal, String keyHash) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM sim_hosts WHERE registered_by = ? AND key_hash = ?")) {
      bind(q, principal, keyHash);
      try (ResultSet r = q.executeQuery()) {
        return r.next();
      }
    }
  }

  java.util.List<dev.confide.cas.api.SimHost> simHosts(Connection c, String principal) throws SQLException {
    java.util.List<dev.confide.cas.api.SimHost> found = new java.util.ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT key_hash, registered_by, registered_at FROM sim_hosts WHERE registered_by = ? ORDER BY registered_at, key_hash")) {
      bind(q, principal);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          found.add(new dev.confide.cas.api.SimHost(r.getString(1), r.getString(2), r.getString(3)));
        }
      }
    }
    return found;
  }

  /** Stores a fresh single-use nonce issued to {@code caller}. */
  void insertNonce(Connection c, String nonce, long expiresAtMillis, String caller) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("INSERT INTO nonces (nonce, expires_at, used, caller) VALUES (?,?,0,?)")) {
      bind(q, nonce, expiresAtMillis, caller);
      q.executeUpdate();
    }
  }

  /** Unused, unexpired nonces: of {@code caller}, or of everyone when it is null. */
  long outstandingNonces(Connection c, String caller, long nowMillis) throws SQLException {
    String sql = "SELECT COUNT(*) FROM nonces WHERE used = 0 AND expires_at > ?" + (caller == null ? "" : " AND caller = ?");
    try (PreparedStatement q = c.prepareStatement(sql)) {
      if (caller == null) {
        bind(q, nowMillis);
      } else {
        bind(q, nowMillis, caller);
      }
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** Removes expired nonces. */
  void purgeNonces(Connection c, long nowMillis) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("DELETE FROM nonces WHERE expires_at <= ?")) {
      bind(q, nowMillis);
      q.executeUpdate();
    }
  }

  /** Marks {@code nonce} used; refuses one that is unknown, used or expired (each said so). */
  void consumeNonce(Connection c, String nonce, long nowMillis) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("UPDATE nonces SET used = 1 WHERE nonce = ? AND used = 0 AND expires_at > ?")) {
      bind(q, nonce, nowMillis);
      if (q.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement q = c.prepareStatement("SELECT used FROM nonces WHERE nonce = ?")) {
      bind(q, nonce);
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          throw CasException.forbidden("the nonce was not issued by this CAS", "ask for a nonce first (POST /v1/attest/nonce)");
        }
        if (r.getInt(1) != 0) {
          throw new CasException(403, "nonce_reused", "the nonce was already used: evidence is replayed",
              "attest with a fresh nonce; each nonce serves one attempt");
        }
        throw new CasException(403, "nonce_expired", "the nonce expired before the evidence arrived", "attest again with a fresh nonce");
      }
    }
  }

  /** A run token's grant: whose run it is and the signing key that must prove each use. */
  record RunGrant(String tokenHash, String session, String service, long expiresAt, String runKey) {}

  /** One volume a run's service mounts: the tag it was given, whether it may write it, whether it moved it. */
  record RunVolume(String givenTag, boolean writable, boolean used) {}

  void insertRunToken(Connection c, String tokenHash, String session, String service, long expiresAtMillis, String runKey)
      throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "INSERT INTO run_tokens (token_hash, session, service, expires_at, run_key) VALUES (?,?,?,?,?)")) {
      bind(q, tokenHash, session, service, expiresAtMillis, runKey);
      q.executeUpdate();
    }
  }

  void insertRunVolume(Connection c, String tokenHash, String volume, String givenTag, boolean writable) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "INSERT INTO run_volumes (token_hash, volume, given_tag, writable, used) VALUES (?,?,?,?,0)")) {
      bind(q, tokenHash, volume, givenTag, writable ? 1L : 0L);
      q.executeUpdate();
    }
  }

  Optional<RunGrant> runToken(Connection c, String tokenHash) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT token_hash, session, service, expires_at, run_key FROM run_tokens WHERE token_hash = ? FOR UPDATE")) {
      bind(q, tokenHash);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? Optional.of(new RunGrant(r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getString(5)))
            : Optional.empty();
      }
    }
  }

  Optional<RunVolume> runVolume(Connection c, String tokenHash, String volume) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT given_tag, writable, used FROM run_volumes WHERE token_hash = ? AND volume = ?")) {
      bind(q, tokenHash, volume);
      try (ResultSet r = q.executeQuery()) {
        return r.next() ? Optional.of(new RunVolume(r.getString(1), r.getInt(2) != 0, r.getInt(3) != 0)) : Optional.empty();
      }
    }
  }

  /** Marks the run's volume moved; true when no writable volume of the run is left to move. */
  boolean useRunVolume(Connection c, String tokenHash, String volume) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("UPDATE run_volumes SET used = 1 WHERE token_hash = ? AND volume = ?")) {
      bind(q, tokenHash, volume);
      q.executeUpdate();
    }
    try (PreparedStatement q = c.prepareStatement(
        "SELECT COUNT(*) FROM run_volumes WHERE token_hash = ? AND writable = 1 AND used = 0")) {
      bind(q, tokenHash);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1) == 0;
      }
    }
  }

  /** When the latest live run token of {@code service} of {@code session} expires; null when none lives. */
  Long liveRunUntil(Connection c, String session, String service, long nowMillis) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "SELECT MAX(expires_at) FROM run_tokens WHERE session = ? AND service = ? AND expires_at > ?")) {
      bind(q, session, service, nowMillis);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        long until = r.getLong(1);
        return r.wasNull() ? null : until;
      }
    }
  }

  void renewRunToken(Connection c, String tokenHash, long expiresAtMillis) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("UPDATE run_tokens SET expires_at = ? WHERE token_hash = ?")) {
      bind(q, expiresAtMillis, tokenHash);
      q.executeUpdate();
    }
  }

  /** Forgets a run token and what it could move: it can never be used again. */
  void endRunToken(Connection c, String tokenHash) throws SQLException {
    for (String table : new String[] {"run_volumes", "run_tokens"}) {
      try (PreparedStatement q = c.prepareStatement("DELETE FROM " + table + " WHERE token_hash = ?")) {
        bind(q, tokenHash);
        q.executeUpdate();
      }
    }
  }

  /** Removes expired run tokens (with their volumes); returns how many went. Expired nonces go as new ones are issued. */
  int purgeExpiredTokens(Connection c, long nowMillis) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(
        "DELETE FROM run_volumes WHERE token_hash IN (SELECT token_hash FROM run_tokens WHERE expires_at <= ?)")) {
      bind(q, nowMillis);
      q.executeUpdate();
    }
    int tokens;
    try (PreparedStatement q = c.prepareStatement("DELETE FROM run_tokens WHERE expires_at <= ?")) {
      bind(q, nowMillis);
      tokens = q.executeUpdate();
    }
    return tokens;
  }

  /** Whether the volume ever held {@code tag}. */
  boolean tagSeen(Connection c, String session, String volume, String tag) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM volume_tags WHERE session = ? AND volume = ? AND tag = ?")) {
      bind(q, session, volume, tag);
      try (ResultSet r = q.executeQuery()) {
        return r.next();
      }
    }
  }

  /** What a compare-and-swap of a rollback-protected volume's tag did. */
  enum ProtectedSwap {
    /** The tag moved and is recorded as held. */
    SWAPPED,
    /** The volume is not at the old tag: nothing moved. */
    STALE,
    /** The new tag was held before: the caller rolls the transaction back. */
    HELD_BEFORE
  }

  /**
   * The compare-and-swap of a rollback-protected volume, and the record of the new tag when it is
   * new; on PostgreSQL in one statement.
   */
  ProtectedSwap swapProtected(Connection c, String session, String name, String oldTag, String newTag) throws SQLException {
    if (!postgresql) {
      if (!swapTag(c, session, name, oldTag, newTag, true)) {
        return ProtectedSwap.STALE;
      }
      return recordNewTag(c, session, name, newTag) ? ProtectedSwap.SWAPPED : ProtectedSwap.HELD_BEFORE;
    }
    // the statements of one WITH see one snapshot: the look-up in volume_tags does not see the insert
    try (PreparedStatement q = c.prepareStatement("WITH swapped AS (UPDATE volumes SET tag = ?, generation = generation + 1"
        + " WHERE session = ? AND name = ? AND tag IS NOT DISTINCT FROM ? RETURNING 1),"
        + " fresh AS (INSERT INTO volume_tags (session, volume, tag) SELECT ?, ?, ? FROM swapped"
        + " WHERE NOT EXISTS (SELECT 1 FROM volume_tags WHERE session = ? AND volume = ? AND tag = ?) RETURNING 1)"
        + " SELECT (SELECT COUNT(*) FROM swapped), (SELECT COUNT(*) FROM fresh)")) {
      bind(q, newTag, session, name, oldTag, session, name, newTag, session, name, newTag);
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1) == 0 ? ProtectedSwap.STALE : r.getLong(2) == 1 ? ProtectedSwap.SWAPPED : ProtectedSwap.HELD_BEFORE;
      }
    }
  }

  /**
   * Remembers that the volume holds {@code tag} now, unless it held it before: false then (the
   * caller refuses the swap as a rollback). One statement for the look-up and the insert; run by
   * the transaction that won the compare-and-swap on the volume's row, so no other inserts the
   * same tag meanwhile.
   */
  boolean recordNewTag(Connection c, String session, String volume, String tag) throws SQLException {
    // audit_head always holds its one row: a FROM that every database here takes
    try (PreparedStatement q = c.prepareStatement("INSERT INTO volume_tags (session, volume, tag) SELECT ?, ?, ? FROM audit_head"
        + " WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM volume_tags WHERE session = ? AND volume = ? AND tag = ?)")) {
      bind(q, session, volume, tag, session, volume, tag);
      try {
        return q.executeUpdate() == 1;
      } catch (SQLException e) {
        if ("23505".equals(e.getSQLState())) {
          return false;
        }
        throw e;
      }
    }
  }

  /**
   * Remembers that the volume holds {@code tag} now. Its callers know it never held it before (a
   * swap checked {@link #tagSeen}, then won the compare-and-swap on the volume's row; a volume
   * given with its key is new), so this is one insert, not a look-up first.
   */
  void recordTag(Connection c, String session, String volume, String tag) throws SQLException {
    if (tag == null) {
      return;
    }
    try (PreparedStatement q = c.prepareStatement("INSERT INTO volume_tags (session, volume, tag) VALUES (?,?,?)")) {
      insertedUnlessDuplicate(bind(q, session, volume, tag));
    }
  }

  /** A session's one-time password record: the latest accepted time step (-1: none), wrong codes since, and the pause. */
  record OtpUse(long lastStep, int failures, long blockedUntil) {
    static final OtpUse NONE = new OtpUse(-1, 0, 0);
  }

  OtpUse otpUse(Connection c, String session) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("SELECT last_step, failures, blocked_until FROM otp_uses WHERE session = ?")) {
      try (ResultSet r = bind(q, session).executeQuery()) {
        return r.next() ? new OtpUse(r.getLong(1), r.getInt(2), r.getLong(3)) : OtpUse.NONE;
      }
    }
  }

  /**
   * Marks the code of time step {@code step} used, if no code of this step or a later one was;
   * returns whether it was marked. Another transaction marking the same session waits on the row
   * (or, for the first use, fails the insert), so one code is accepted once across replicas.
   */
  boolean useOtpStep(Connection c, String session, long step) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("UPDATE otp_uses SET last_step = ?, failures = 0 WHERE session = ? AND last_step < ?")) {
      if (bind(q, step, session, step).executeUpdate() == 1) {
        return true;
      }
    }
    try (PreparedStatement q = c.prepareStatement("INSERT INTO otp_uses (session, last_step, failures, blocked_until)"
        + " SELECT ?, ?, 0, 0 FROM audit_head WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM otp_uses WHERE session = ?)")) {
      try {
        return bind(q, session, step, session).executeUpdate() == 1;
      } catch (SQLException e) {
        if ("23505".equals(e.getSQLState())) {
          return false;
        }
        throw e;
      }
    }
  }

  /** Counts a wrong code; every {@code every}-th one in a row pauses the checks until {@code pauseUntil}. */
  void otpFailed(Connection c, String session, int every, long pauseUntil) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("INSERT INTO otp_uses (session, last_step, failures, blocked_until)"
        + " SELECT ?, -1, 0, 0 FROM audit_head WHERE id = 1 AND NOT EXISTS (SELECT 1 FROM otp_uses WHERE session = ?)")) {
      if (!insertedUnlessDuplicate(bind(q, session, session))) {
        return; // another transaction made the row this instant (and PostgreSQL ends this one): one count lost, once
      }
    }
    try (PreparedStatement q = c.prepareStatement("UPDATE otp_uses SET failures = failures + 1, blocked_until ="
        + " CASE WHEN MOD(failures + 1, ?) = 0 THEN ? ELSE blocked_until END WHERE session = ?")) {
      bind(q, (long) every, pauseUntil, session).executeUpdate();
    }
  }
}
