package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Who may read, update, or create sessions below this one. Each list holds {@code CREATOR},
 * {@code ANY}, {@code NONE} (alone) or principals' key hashes (64 hex digits).
 */
public record AccessPolicy(
    List<String> read,
    List<String> update,
    @JsonProperty("create_sessions") List<String> createSessions) {
  public static final String CREATOR = "CREATOR";
  public static final String ANY = "ANY";
  public static final String NONE = "NONE";
  static final AccessPolicy DEFAULT = new AccessPolicy(null, null, null);

  public AccessPolicy {
    read = read == null ? List.of(CREATOR) : List.copyOf(read);
    update = update == null ? List.of(CREATOR) : List.copyOf(update);
    createSessions = createSessions == null ? List.of(CREATOR) : List.copyOf(createSessions);
  }

  /** Whether {@code principal} is admitted by {@code list}, given who created the session. */
  public static boolean admits(List<String> list, String principal, String creator) {
    for (String entry : list) {
      if (entry.equals(ANY)
          || (entry.equals(CREATOR) && principal.equals(creator))
          || entry.equalsIgnoreCase(principal)) {
        return true;
      }
    }
    return false;
  }
}
