package dev.confide.cas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The database's side of rotating the master key (docs/cas-api.md, "Rotating the master key"):
 * which key seals how many stored values, and sealing each again under the primary. A value is
 * replaced only if the row still holds the ciphertext read (compare-and-set), so a CAS writing the
 * same row meanwhile keeps its write; the rewrap runs while replicas serve. Only values change:
 * what they decrypt to, and what they are bound to, stay the same.
 */
public final class MasterKeyRotation implements AutoCloseable {
  /** Rows rewrapped per transaction: short transactions, so that serving replicas are not held up. */
  static final int BATCH = 200;

  private final Database database;
  private final CasStore store;
  private final MasterKey key;
  private final AuditChain audit;

  private MasterKeyRotation(Database database, CasHome home) {
    this.database = database;
    this.store = new CasStore(database.dataSource(), database.shared(), new CasMetrics());
    this.key = home.masterKey();
    this.audit = new AuditChain(home.auditKey(), home.identity().privateKey(), store);
  }

  /** The CAS of data folder {@code dir} (which must exist) on the database at {@code jdbcUrl}. */
  public static MasterKeyRotation open(Path dir, String jdbcUrl) throws java.io.IOException {
    if (!Files.exists(dir.resolve(MasterKey.FILE))) {
      throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no CAS data folder (no master key)");
    }
    return new MasterKeyRotation(Database.open(jdbcUrl, 2), CasHome.open(dir));
  }

  /** A stored value: which table, its row, and the ciphertext as stored. */
  private record Stored(boolean secret, String session, String name, String sealed) {
    String boundTo() {
      return secret ? SecretPlan.boundTo(session, name)
          : CasService.volumeBoundTo(new CasService.Target(session, name, null));
    }
  }

  /** How many stored values each key sealed, by key id (-1: not a Tink ciphertext of this keyset). */
  public Map<Long, Long> sealedUnder() {
    Map<Long, Long> counts = new TreeMap<>();
    for (Stored s : stored()) {
      counts.merge(MasterKey.keyIdOf(Base64.getDecoder().decode(s.sealed())), 1L, Long::sum);
    }
    return counts;
  }

  /** What a rewrap did: the primary, the values sealed again, those already under it, those a CAS rewrote meanwhile. */
  public record Rewrap(long primary, long resealed, long unchanged, long rewrittenMeanwhile) {}

  /** Seals every stored value that another key sealed again under the primary, and records it in the audit log. */
  public Rewrap rewrap() {
    long primary = key.primaryId();
    List<Stored> todo = new ArrayList<>();
    long unchanged = 0;
    for (Stored s : stored()) {
      if (MasterKey.keyIdOf(Base64.getDecoder().decode(s.sealed())) == primary) {
        unchanged++;
      } else {
        todo.add(s);
      }
    }
    long resealed = 0;
    long meanwhile = 0;
    for (int from = 0; from < todo.size(); from += BATCH) {
      List<Stored> batch = todo.subList(from, Math.min(todo.size(), from + BATCH));
      long[] done = store.transaction(c -> {
        long[] counts = new long[2];
        for (Stored s : batch) {
          byte[] plain = key.open(Base64.getDecoder().decode(s.sealed()), s.boundTo());
          String again = Base64.getEncoder().encodeToString(key.seal(plain, s.boundTo()));
          java.util.Arrays.fill(plain, (byte) 0);
          counts[replace(c, s, again) ? 0 : 1]++;
        }
        return counts;
      });
      resealed += done[0];
      meanwhile += done[1];
    }
    Rewrap result = new Rewrap(primary, resealed, unchanged, meanwhile);
    long sealed = resealed;
    store.transaction(c -> {
      audit.append(c, "master_key.rewrap", "operator", "master key", String.format(
          "primary=%08x resealed=%d unchanged=%d rewritten_meanwhile=%d", primary, sealed, result.unchanged(), result.rewrittenMeanwhile()));
      return null;
    });
    return result;
  }

  private static boolean replace(Connection c, Stored s, String again) throws SQLException {
    String sql = s.secret() ? "UPDATE secrets SET sealed = ? WHERE session = ? AND name = ? AND sealed = ?"
        : "UPDATE volumes SET sealed_key = ? WHERE session = ? AND name = ? AND sealed_key = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, again);
      ps.setString(2, s.session());
      ps.setString(3, s.name());
      ps.setString(4, s.sealed());
      return ps.executeUpdate() == 1;
    }
  }

  private List<Stored> stored() {
    return store.read(c -> {
      List<Stored> all = new ArrayList<>();
      for (boolean secret : new boolean[] {true, false}) {
        String sql = secret ? "SELECT session, name, sealed FROM secrets" : "SELECT session, name, sealed_key FROM volumes";
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            all.add(new Stored(secret, rs.getString(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      return all;
    });
  }

  @Override
  public void close() {
    database.close();
  }
}
