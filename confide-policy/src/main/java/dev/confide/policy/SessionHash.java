package dev.confide.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The canonical form of a session and its hash (docs/session-language.md, "Canonical form"):
 * defaults made explicit, absent values left out, object keys sorted, no white space, each secret
 * {@code value} replaced by {@code value_sha256}, each volume {@code key} by {@code key_sha256} and each
 * service's literal {@code fspf_key} by {@code fspf_key_sha256}, the security's
 * {@code service_access_token} by {@code sha256:} and its SHA-256, UTF-8; the hash is SHA-256 over those bytes.
 */
public final class SessionHash {
  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .serializationInclusion(JsonInclude.Include.NON_NULL)
      .build();

  private SessionHash() {}

  /** The canonical bytes: what the CAS stores and what the hash covers. Holds no secret value. */
  public static String canonical(Session session) {
    ObjectNode tree = CANONICAL.valueToTree(session);
    replaceByHash(tree, "secrets", "value");
    replaceByHash(tree, "volumes", "key");
    replaceLiteralKeys(tree);
    replaceAccessToken(tree, session);
    // fields added after sessions were hashed and pinned: left out while empty, so that a document
    // that does not use them keeps the hash it always had
    dropEmpty(tree, "services", "export");
    dropEmpty(tree, "images", "export");
    dropEmpty(tree, "images", "mrenclaves");
    try {
      // re-serialise through a sorted map view: valueToTree keeps insertion order for new keys
      Object sorted = CANONICAL.treeToValue(tree, Object.class);
      return CANONICAL.writeValueAsString(sorted);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a session always serialises", e);
    }
  }

  /** In each object of list {@code list}, removes {@code field} where it is an empty list. */
  private static void dropEmpty(ObjectNode tree, String list, String field) {
    if (tree.get(list) instanceof ArrayNode items) {
      for (var node : items) {
        if (node.get(field) instanceof ArrayNode a && a.isEmpty()) {
          ((ObjectNode) node).remove(field);
        }
      }
    }
  }

  /** In each object of list {@code list}, replaces {@code field} by {@code field_sha256}. */
  private static void replaceByHash(ObjectNode tree, String list, String field) {
    if (tree.get(list) instanceof ArrayNode items) {
      for (var node : items) {
        ObjectNode item = (ObjectNode) node;
        if (item.has(field)) {
          String value = item.remove(field).asText();
          item.put(field + "_sha256", sha256(value.getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
  }

  /** A service's {@code fspf_key} written as hex is a key; a placeholder naming a secret is not. */
  private static void replaceLiteralKeys(ObjectNode tree) {
    if (tree.get("services") instanceof ArrayNode services) {
      for (var node : services) {
        ObjectNode service = (ObjectNode) node;
        if (service.has("fspf_key") && !SecretReferences.isPlaceholder(service.get("fspf_key").asText())) {
          String key = service.remove("fspf_key").asText();
          service.put("fspf_key_sha256", sha256(key.getBytes(StandardCharsets.UTF_8)));
        }
      }
    }
  }

  /** The session hash, 64 lower-case hex digits. */
  public static String of(Session session) {
    return sha256(canonical(session).getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Bytes(bytes));
  }

  static byte[] sha256Bytes(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The security's service access token, as its digest form: the canonical form never holds the token. */
  private static void replaceAccessToken(ObjectNode tree, Session session) {
    byte[] digest = session.security().serviceAccessTokenDigest();
    if (tree.get("security") instanceof ObjectNode security && digest != null) {
      security.put("service_access_token", Security.TOKEN_DIGEST_PREFIX + HexFormat.of().formatHex(digest));
    }
  }
}
