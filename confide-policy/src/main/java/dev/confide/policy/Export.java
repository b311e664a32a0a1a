package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Permission for another session to import a secret or volume: the session named ({@code "*"}:
 * every session), or every session of {@code namespace} (SCONE's {@code export[].namespace}: its
 * name starts with {@code namespace/}); pinned when {@code sessionHash} is given, so it stops
 * working as soon as the importing session changes. SCONE writes an export as a session's name
 * alone, too ({@code export: other} or {@code export: [a, b]}).
 */
public record Export(String session, @JsonProperty("session_hash") String sessionHash, String namespace) {
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public Export(@JsonProperty("session") String session, @JsonProperty("session_hash") String sessionHash,
      @JsonProperty("namespace") String namespace) {
    this.session = session;
    this.sessionHash = sessionHash;
    this.namespace = namespace;
  }

  /** An export written as the importing session's name alone. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static Export named(String session) {
    return new Export(session, null, null);
  }

  /** Whether session {@code importer} may import under this export. */
  public boolean admits(String importer) {
    if (session != null) {
      return session.equals("*") || session.equals(importer);
    }
    return namespace != null && importer.startsWith(namespace + "/");
  }
}
