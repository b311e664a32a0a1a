package dev.confide.cas;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.confide.cas.api.AuditEntry;
import dev.confide.cas.api.AuditLog;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.KeyDigests;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log: each entry holds the hash of the one before and is signed by the CAS key, so a
 * deleted, changed or reordered entry is found by {@link #verify}. Appends happen inside the
 * transaction of the change they record, holding the head row until it commits.
 *
 * <p>The head row in the database is the truth. This process remembers the head it last committed
 * and moves the row with one conditional {@code UPDATE} that expects it; only when another CAS
 * process (on the same PostgreSQL) moved the head since, or a commit's outcome was unclear, does it
 * read the row ({@code SELECT ... FOR UPDATE}, which H2 re-parses on every call: under load that
 * parse alone took 8 % of the CAS's CPU, inside the section every swap waits for). On PostgreSQL the
 * move and the entry's insert are one statement.
 */
public final class AuditChain {
  static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

  private final AuditKey signingKey;
  private final String signer;
  private final String certification;
  private final CasStore store;
  /** The head as this process last committed it, or null; guarded by the store's audit order. */
  private Head committedHead;
  /** The head this transaction's appends have moved to so far; guarded by the audit order. */
  private Head pendingHead;

  private record Head(long seq, String hash) {}

  AuditChain(AuditKey signingKey, PrivateKey tlsKey, CasStore store) {
    this.signingKey = signingKey;
    this.signer = Base64.getEncoder().encodeToString(signingKey.publicKey());
    this.certification = Base64.getEncoder().encodeToString(signingKey.certifiedBy(tlsKey));
    this.store = store;
  }

  /**
   * Appends an entry in {@code c}'s transaction; must be the transaction's last statement, as the
   * head stays locked until it commits.
   */
  void append(Connection c, String kind, String principal, String subject, String detail) throws SQLException {
    if (store.holdAuditOrder(this::headCommitted)) {
      pendingHead = null;
    }
    String at = Instant.now().toString();
    Head prev = pendingHead != null ? pendingHead : committedHead;
    byte[] canonical = prev == null ? null : canonical(prev.seq() + 1, at, kind, principal, subject, detail, prev.hash());
    String hash = prev == null ? null : KeyDigests.sha256Hex(canonical);
    if (prev != null && store.postgresql()) {
      // PostgreSQL moves the head and inserts the entry in one statement: one round trip fewer
      // inside the section every writer waits for
      String signature = Base64.getEncoder().encodeToString(signingKey.sign(canonical));
      if (moveHeadAndInsert(c, prev, at, kind, principal, subject, detail, hash, signature)) {
        pendingHead = new Head(prev.seq() + 1, hash);
        return;
      }
      prev = null; // another CAS process moved the head: read it below
    }
    if (prev == null || !moveHead(c, prev, prev.seq() + 1, hash)) {
      try (PreparedStatement head = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
           ResultSet r = head.executeQuery()) {
        r.next();
        prev = new Head(r.getLong(1), r.getString(2));
      }
      canonical = canonical(prev.seq() + 1, at, kind, principal, subject, detail, prev.hash());
      hash = KeyDigests.sha256Hex(canonical);
      moveHead(c, null, prev.seq() + 1, hash);
    }
    long seq = prev.seq() + 1;
    String signature = Base64.getEncoder().encodeToString(signingKey.sign(canonical));
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO audit (seq, at, kind, principal, subject, detail, prev_hash, hash, signature) VALUES (?,?,?,?,?,?,?,?,?)")) {
      insert.setLong(1, seq);
      bindEntry(insert, 2, at, kind, principal, subject, detail, prev.hash(), hash, signature);
      insert.executeUpdate();
    }
    pendingHead = new Head(seq, hash);
  }

  /** PostgreSQL: moves the head from {@code expected} and inserts the entry after it, or neither (false). */
  private static boolean moveHeadAndInsert(Connection c, Head expected, String at, String kind, String principal,
      String subject, String detail, String hash, String signature) throws SQLException {
    try (PreparedStatement q = c.prepareStatement("WITH moved AS (UPDATE audit_head SET seq = ?, hash = ?"
        + " WHERE id = 1 AND seq = ? AND hash = ? RETURNING seq)"
        + " INSERT INTO audit (seq, at, kind, principal, subject, detail, prev_hash, hash, signature)"
        + " SELECT seq, ?, ?, ?, ?, ?, ?, ?, ? FROM moved")) {
      q.setLong(1, expected.seq() + 1);
      q.setString(2, hash);
      q.setLong(3, expected.seq());
      q.setString(4, expected.hash());
      bindEntry(q, 5, at, kind, principal, subject, detail, expected.hash(), hash, signature);
      return q.executeUpdate() == 1;
    }
  }

  /** Binds an entry's columns after its sequence number, from parameter {@code first} on. */
  private static void bindEntry(PreparedStatement q, int first, String... columns) throws SQLException {
    for (int i = 0; i < columns.length; i++) {
      q.setString(first + i, columns[i]);
    }
  }

  /**
   * Moves the head row to {@code seq}/{@code hash}, only if it is at {@code expected} (when given);
   * returns whether it moved. Either way the row stays locked by this transaction once moved.
   */
  private static boolean moveHead(Connection c, Head expected, long seq, String hash) throws SQLException {
    String sql = "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1" + (expected == null ? "" : " AND seq = ? AND hash = ?");
    try (PreparedStatement update = c.prepareStatement(sql)) {
      update.setLong(1, seq);
      update.setString(2, hash);
      if (expected != null) {
        update.setLong(3, expected.seq());
        update.setString(4, expected.hash());
      }
      return update.executeUpdate() == 1;
    }
  }

  /** Runs once the transaction that appended has committed, still under the audit order. */
  private void headCommitted() {
    committedHead = pendingHead;
    pendingHead = null;
  }

  /**
   * Refuses a log whose newest entry this CAS's audit key did not sign: a replica started without
   * the audit key of the CAS that created the database would otherwise append entries signed by
   * a key of its own, which {@link #verify} then refuses.
   */
  void requireOwnSigner(String database) {
    store.transaction(c -> {
      try (PreparedStatement q = c.prepareStatement(
          "SELECT seq, at, kind, principal, subject, detail, prev_hash, signature FROM audit ORDER BY seq DESC LIMIT 1");
           ResultSet r = q.executeQuery()) {
        if (r.next() && !verifySignature(canonical(r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
            r.getString(5), r.getString(6), r.getString(7)), r.getString(8), signingKey.publicKey())) {
          throw new CasException(0, "audit_key_mismatch", "the audit log in " + database
              + " is signed by another audit key than this CAS's (" + AuditKey.FILE + " in its data folder)",
              "a CAS sharing a database needs the four key files of the CAS that created it (tls/key.pem, tls/cert.pem,"
                  + " master-key.json, " + AuditKey.FILE + "): copy them into this data folder");
        }
        return null;
      }
    });
  }

  AuditLog read(Connection c, long after, int limit) throws SQLException {
    List<AuditEntry> entries = new ArrayList<>();
    try (PreparedStatement q = c.prepareStatement(
        "SELECT seq, at, kind, principal, subject, detail, prev_hash, hash, signature FROM audit WHERE seq > ? ORDER BY seq LIMIT ?")) {
      q.setLong(1, after);
      q.setInt(2, limit);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          entries.add(new AuditEntry(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
              r.getString(6), r.getString(7), r.getString(8), r.getString(9)));
        }
      }
    }
    try (PreparedStatement head = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
         ResultSet r = head.executeQuery()) {
      r.next();
      return new AuditLog(entries, r.getLong(1), r.getString(2), signer, certification);
    }
  }

  /**
   * Checks a whole log from its first entry: the signing key must be certified by the CAS's (pinned)
   * TLS key, every entry signed by it, chained and present up to the head. Returns the first
   * problem found, or empty when every entry is intact, in order and present.
   */
  public static Optional<String> verify(AuditLog log, PublicKey casKey) {
    byte[] signer;
    byte[] certification;
    try {
      signer = Base64.getDecoder().decode(log.signer());
      certification = Base64.getDecoder().decode(log.signerCertification());
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.of("the log names no valid signing key");
    }
    if (!AuditKey.certified(signer, certification, casKey)) {
      return Optional.of("the log's signing key is not certified by this CAS's key");
    }
    return verify(log.entries(), log.headSeq(), log.headHash(), signer);
  }

  /**
   * Whether a log that {@link #verify(AuditLog, PublicKey) verified} still holds an entry verified
   * before ({@code seq} with {@code hash}): an intact chain alone cannot show that its tail was cut
   * and its head moved back by someone able to rewrite the database. Returns the problem, or empty.
   */
  public static Optional<String> extendsHead(AuditLog log, long seq, String hash) {
    if (seq > log.headSeq()) {
      return Optional.of("the log ends at entry " + log.headSeq() + ", but entry " + seq
          + " was verified before: entries at the end were removed and the head moved back");
    }
    if (seq > 0) {
      AuditEntry then = log.entries().get((int) (seq - 1));
      if (then.seq() != seq || !then.hash().equals(hash)) {
        return Optional.of("entry " + seq + " is not the entry verified before (its hash was " + hash
            + "): the log was rewritten");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> verify(List<AuditEntry> entries, long headSeq, String headHash, byte[] signer) {
    String prev = GENESIS;
    long expected = 1;
    for (AuditEntry e : entries) {
      if (e.seq() != expected) {
        return Optional.of(e.seq() > expected
            ? "entry " + expected + (e.seq() - expected > 1 ? " to " + (e.seq() - 1) : "") + " is missing (the log jumps from "
                + (expected - 1) + " to " + e.seq() + ")"
            : "entry " + e.seq() + " appears out of order after entry " + (expected - 1));
      }
      byte[] canonical = canonical(e.seq(), e.at(), e.kind(), e.principal(), e.subject(), e.detail(), e.prevHash());
      if (!KeyDigests.sha256Hex(canonical).equals(e.hash())) {
        return Optional.of("entry " + e.seq() + " was changed (its content does not match its hash)");
      }
      if (!verifySignature(canonical, e.signature(), signer)) {
        return Optional.of("entry " + e.seq() + " is not signed by this CAS's key");
      }
      if (!e.prevHash().equals(prev)) {
        return Optional.of("entry " + e.seq() + " does not follow entry " + (e.seq() - 1)
            + " (its previous-hash differs): entries were reordered, replaced or removed");
      }
      prev = e.hash();
      expected++;
    }
    if (expected - 1 != headSeq || !prev.equals(headHash)) {
      return Optional.of("the log ends at entry " + (expected - 1) + " but the CAS's head names entry " + headSeq
          + ": entries at the end were deleted or the head was changed");
    }
    return Optional.empty();
  }

  private static byte[] canonical(long seq, String at, String kind, String principal, String subject, String detail, String prev) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", at);
    m.put("detail", detail);
    m.put("kind", kind);
    m.put("prev_hash", prev);
    m.put("principal", principal);
    m.put("seq", seq);
    m.put("subject", subject);
    try {
      return CANONICAL.writeValueAsString(m).getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException("a map of strings always serialises", ex);
    }
  }

  private static boolean verifySignature(byte[] data, String signature, byte[] signer) {
    try {
      return AuditKey.verify(signer, data, Base64.getDecoder().decode(signature));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
