package dev.confide.cas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.confide.cas.common.CasException;
import dev.confide.policy.Session;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored canonical documents back as {@link Session}s. A hash names one document forever, so parsed
 * sessions are kept by hash; the map is bounded by starting afresh when it grows too large.
 */
final class SessionDocuments {
  private static final int LIMIT = 10_000;
  /** Shared by every CAS of the process (configured once): it learns the session model's shape once. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private final ConcurrentHashMap<String, Session> byHash = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, com.fasterxml.jackson.databind.JsonNode> treeByHash = new ConcurrentHashMap<>();

  Session of(String hash, String document) {
    Session cached = byHash.get(hash);
    if (cached != null) {
      return cached;
    }
    try {
      Session s = JSON.readValue(document, Session.class);
      if (byHash.size() >= LIMIT) {
        byHash.clear();
      }
      byHash.put(hash, s);
      return s;
    } catch (JsonProcessingException e) {
      throw new CasException(500, "integrity", "the stored document of session hash " + hash + " is unreadable",
          "restore the database from a backup");
    }
  }

  /** The document as a JSON tree; shared, so callers must not change it. */
  com.fasterxml.jackson.databind.JsonNode tree(String hash, String document) {
    var cached = treeByHash.get(hash);
    if (cached != null) {
      return cached;
    }
    try {
      var tree = JSON.readTree(document);
      if (treeByHash.size() >= LIMIT) {
        treeByHash.clear();
      }
      treeByHash.put(hash, tree);
      return tree;
    } catch (JsonProcessingException e) {
      throw new CasException(500, "integrity", "a stored session document is unreadable", "restore the database from a backup");
    }
  }
}
