package dev.confide.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SCONE's {@code kind: config-fragment} secrets: a structured {@code value} (a list, a mapping or
 * a scalar) that a placeholder standing alone, {@code $$SCONE::name$$} or {@code $$CONFIDE::name$$},
 * puts in place of a part of the policy: an entry (or the whole list) of {@code access_policy}'s
 * {@code read}, {@code update} and {@code create_sessions}, and an alternative (or the whole list)
 * of a service's {@code attestation}. A list fragment in a list is spliced in. A fragment imported
 * from another session ({@code import: {session, secret}}) is resolved by a {@link Source} (the
 * CAS, when the session is created or updated: the session keeps, and hashes, what the exporter's
 * fragment was then); without one (lint) the placeholder is left out and only the rest is checked.
 * Anywhere else a config-fragment is a secret like an ascii one: its JSON text.
 *
 * <p>Expanding needs the document as a tree; every scalar of it is kept as its text, exactly as
 * binding the text would see it ({@code 0123} stays "0123"). Documents without a fragment to expand
 * are bound from their text as before.
 */
public final class ConfigFragments {
  static final String KIND = "config-fragment";
  private static final Pattern WHOLE = Pattern.compile("\\$\\$(?:SCONE|CONFIDE)::([A-Za-z0-9_.-]+)\\$\\$");
  private static final List<String> ACCESS_LISTS = List.of("read", "update", "create_sessions");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Where imported fragments come from. */
  public interface Source {
    /**
     * The value of {@code secret}, a config-fragment of session {@code session}, as {@code importer}
     * may import it; throws (the CAS's refusal) when it does not exist or is not exported to it.
     */
    JsonNode fragment(String importer, String session, String secret);
  }

  /** The tree to bind, and what was wrong with the fragments (JSON pointers into the tree). */
  record Expanded(JsonNode tree, List<SessionProblem> problems) {}

  private final ObjectMapper json;
  private final Source source;
  private final List<SessionProblem> problems = new ArrayList<>();
  private String importer;
  private final Map<String, JsonNode> local = new HashMap<>();
  private final Map<String, SecretSpec.SecretImport> imported = new HashMap<>();

  private ConfigFragments(ObjectMapper json, Source source) {
    this.json = json;
    this.source = source;
  }

  /**
   * The document {@code text} with its fragments expanded, or null when it has none to expand (or
   * is not a mapping, or not YAML the tree can hold: binding the text then reports it).
   */
  static Expanded expand(String text, YAMLFactory factory, ObjectMapper json, Source source) {
    if (!text.contains("$$") && !text.contains(KIND)) {
      return null;
    }
    JsonNode root;
    try (JsonParser p = factory.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return null;
      }
      root = textTree(p, first);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    ConfigFragments f = new ConfigFragments(json, source);
    return f.expand((ObjectNode) root) ? new Expanded(root, f.problems) : null;
  }

  /** The tree of what {@code p} reads, every scalar as its text (nulls stay null). */
  private static JsonNode textTree(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          o.set(name, textTree(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken next = p.nextToken(); next != JsonToken.END_ARRAY; next = p.nextToken()) {
          a.add(textTree(p, next));
        }
        return a;
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> {
        return TextNode.valueOf(p.getText());
      }
    }
  }

  /** Expands in place; whether anything had to change. */
  private boolean expand(ObjectNode root) {
    importer = root.path("name").asText(null);
    boolean changed = false;
    JsonNode secrets = root.path("secrets");
    for (int i = 0; i < secrets.size(); i++) {
      JsonNode s = secrets.get(i);
      String name = s.path("name").asText(null);
      if (name == null || !(s instanceof ObjectNode o)) {
        continue;
      }
      JsonNode from = s.get("import");
      if (from != null && from.isObject() && from.path("session").isTextual() && from.path("secret").isTextual()) {
        imported.put(name, new SecretSpec.SecretImport(from.get("session").asText(), from.get("secret").asText()));
      } else if (KIND.equals(s.path("kind").asText(null)) && s.has("value")) {
        JsonNode value = s.get("value");
        local.put(name, value);
        if (value.isContainerNode()) {
          // the secret's value is the fragment's JSON text: what a program it is injected into reads
          o.put("value", value.toString());
          changed = true;
        }
      }
    }
    JsonNode access = root.path("access_policy");
    if (access instanceof ObjectNode a) {
      for (String list : ACCESS_LISTS) {
        changed |= expandIn(a, list, "/access_policy/" + list, false);
      }
    }
    JsonNode services = root.path("services");
    for (int i = 0; i < services.size(); i++) {
      if (services.get(i) instanceof ObjectNode s) {
        changed |= expandIn(s, "attestation", "/services/" + i + "/attestation", true);
      }
    }
    return changed;
  }

  /** Expands {@code parent[field]}: the whole value, or each entry of a list; whether anything changed. */
  private boolean expandIn(ObjectNode parent, String field, String at, boolean mappings) {
    JsonNode value = parent.get(field);
    if (value == null) {
      return false;
    }
    String whole = placeholder(value);
    if (whole != null) {
      JsonNode fragment = fragment(whole, at, mappings);
      parent.set(field, fragment == null ? NODES.arrayNode() : fragment.isArray() ? fragment : NODES.arrayNode().add(fragment));
      return true;
    }
    if (!(value instanceof ArrayNode list)) {
      return false;
    }
    boolean changed = false;
    ArrayNode out = NODES.arrayNode();
    for (int i = 0; i < list.size(); i++) {
      String name = placeholder(list.get(i));
      if (name == null) {
        out.add(list.get(i));
        continue;
      }
      changed = true;
      JsonNode fragment = fragment(name, at + "/" + i, mappings);
      if (fragment != null && fragment.isArray()) {
        out.addAll((ArrayNode) fragment);
      } else if (fragment != null) {
        out.add(fragment);
      }
    }
    if (changed) {
      parent.set(field, out);
    }
    return changed;
  }

  private static String placeholder(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    Matcher m = WHOLE.matcher(node.asText().strip());
    return m.matches() ? m.group(1) : null;
  }

  /**
   * The fragment a placeholder at {@code at} names, its shape checked ({@code mappings}: each
   * entry a mapping, else a text); null when there is none to put there (a problem is recorded,
   * or, without a source, an imported one is left to the CAS).
   */
  private JsonNode fragment(String name, String at, boolean mappings) {
    JsonNode value = local.get(name);
    if (value == null && imported.containsKey(name)) {
      if (source == null) {
        return null;
      }
      SecretSpec.SecretImport from = imported.get(name);
      value = textCopy(source.fragment(importer, from.session(), from.secret()));
    }
    if (value == null) {
      problems.add(new SessionProblem(at, "'$$...::" + name + "$$' stands for a part of the policy, and '" + name
          + "' is not a config-fragment secret of this session", "define secret '" + name + "' with kind: " + KIND
          + " and the value to put here, or import one"));
      return null;
    }
    List<JsonNode> entries = new ArrayList<>();
    value.forEach(entries::add);
    if (!value.isArray()) {
      entries = List.of(value);
    }
    for (JsonNode e : entries) {
      if (mappings ? !e.isObject() : !e.isTextual()) {
        problems.add(new SessionProblem(at, "config-fragment '" + name + "' holds " + (e.isObject() ? "a mapping"
            : e.isArray() ? "a list" : "a text") + " where " + (mappings ? "attestation alternatives (mappings)"
            : "access_policy entries (texts)") + " go", "give it a value of that shape"));
        return null;
      }
    }
    return value;
  }

  /** {@code node} with every scalar as text, as the document's own scalars are. */
  private JsonNode textCopy(JsonNode node) {
    try (JsonParser p = json.treeAsTokens(node)) {
      return textTree(p, p.nextToken());
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be read back", e);
    }
  }
}
