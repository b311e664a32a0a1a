package dev.confide.cas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.confide.cas.CasStore.StoredSecret;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.KeyDigests;
import dev.confide.policy.SecretSpec;
import dev.confide.policy.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The secrets of a new session version: given values taken, ascii and binary secrets kept from the
 * previous version when their definition is unchanged, keys and certificates kept only with
 * {@code migrate: true}, everything else generated. Keys come before the certificates that use
 * them, issuers before what they issue.
 */
final class SecretPlan {
  private static final ObjectMapper SORTED = JsonMapper.builder().enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

  private final MasterKey masterKey;
  private final SecretGenerator generator;

  SecretPlan(MasterKey masterKey, SecretGenerator generator) {
    this.masterKey = masterKey;
    this.generator = generator;
  }

  static String boundTo(String session, String secret) {
    return "confide-cas secret\0" + session + "\0" + secret;
  }

  List<StoredSecret> plan(Session session, Map<String, StoredSecret> previous) {
    Map<String, byte[]> values = new HashMap<>();
    Map<String, StoredSecret> result = new LinkedHashMap<>();
    Set<String> fresh = new HashSet<>();
    List<SecretSpec> pending = new ArrayList<>(session.secrets().stream().filter(s -> !s.imported()).toList());
    while (!pending.isEmpty()) {
      boolean progress = false;
      for (var it = pending.iterator(); it.hasNext(); ) {
        SecretSpec spec = it.next();
        List<String> needs = new ArrayList<>();
        if (spec.issuer() != null) {
          needs.add(spec.issuer());
        }
        if (spec.privateKey() != null) {
          needs.add(spec.privateKey());
        }
        if (!values.keySet().containsAll(needs)) {
          continue;
        }
        String digest = digest(spec);
        StoredSecret old = previous.get(spec.name());
        boolean dependsOnFresh = needs.stream().anyMatch(fresh::contains);
        byte[] value;
        String origin;
        // "fresh": the value differs from the previous version's, so what it issued must be re-issued
        boolean isFresh;
        if (spec.value() != null) {
          value = SecretGenerator.given(spec, values);
          origin = "given";
          isFresh = old == null || !java.security.MessageDigest.isEqual(value, oldValue(old, session, spec));
        } else if (old != null && old.specDigest().equals(digest) && !dependsOnFresh && keeps(spec)) {
          value = oldValue(old, session, spec);
          origin = old.origin();
          isFresh = false;
        } else {
          value = generator.generate(spec, values);
          origin = "generated";
          isFresh = true;
        }
        if (isFresh) {
          fresh.add(spec.name());
        }
        values.put(spec.name(), value);
        result.put(spec.name(), new StoredSecret(session.name(), spec.name(), spec.kind(), origin, digest,
            Base64.getEncoder().encodeToString(masterKey.seal(value, boundTo(session.name(), spec.name())))));
        it.remove();
        progress = true;
      }
      if (!progress) {
        throw CasException.badRequest("the issuers of secrets " + pending.stream().map(SecretSpec::name).toList()
            + " form a cycle", "let one certificate authority be self-signed");
      }
    }
    return new ArrayList<>(result.values());
  }

  private byte[] oldValue(StoredSecret old, Session session, SecretSpec spec) {
    return masterKey.open(Base64.getDecoder().decode(old.sealed()), boundTo(session.name(), spec.name()));
  }

  /** SCONE's migration rule: strings and bytes survive an update, keys and certificates only if asked. */
  private static boolean keeps(SecretSpec spec) {
    return switch (spec.kind()) {
      case SecretSpec.ASCII, SecretSpec.BINARY -> true;
      default -> spec.migrates();
    };
  }

  /** What the value was made from: a changed definition means a new value. */
  private static String digest(SecretSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", spec.kind());
    m.put("size", spec.size());
    m.put("algorithm", spec.algorithm());
    m.put("issuer", spec.issuer());
    m.put("private_key", spec.privateKey());
    m.put("common_name", spec.commonName());
    m.put("san", spec.san());
    m.put("valid_for", spec.validFor());
    m.put("value", spec.value() == null ? null : KeyDigests.sha256Hex(spec.value().getBytes(StandardCharsets.UTF_8)));
    try {
      return KeyDigests.sha256Hex(SORTED.writeValueAsString(m).getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
  }
}
