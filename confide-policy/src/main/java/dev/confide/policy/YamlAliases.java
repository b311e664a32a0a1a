package dev.confide.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML anchors and aliases ({@code &name}, {@code *name}, merge keys {@code <<: *name}), resolved
 * before a session is bound: the binder reads an alias as a plain string, so without this
 * {@code command: *cmd} would become the text "cmd". Within limits: at most
 * {@value #MAX_ALIASES} aliases to collections, nesting {@value #MAX_DEPTH} deep, and
 * {@value #MAX_VALUES} values once expanded (a "billion laughs" document is refused, named).
 */
final class YamlAliases {
  static final int MAX_ALIASES = 50;
  static final int MAX_DEPTH = 64;
  static final int MAX_VALUES = 100_000;

  private YamlAliases() {}

  /** The document {@code text} (which holds an alias: {@link YamlDocuments.Read}) with every alias resolved, as JSON. */
  static String resolved(String source, String text) throws PolicyException {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_DEPTH);
    try {
      Node root = new Yaml(options).compose(new StringReader(text));
      return root == null ? text : json(source, root, 0, new int[] {0}).toString();
    } catch (YAMLException e) {
      throw new PolicyException(List.of(new PolicyProblem(new SourceLocation(source, 1, 1),
          "the session's aliases cannot be resolved within limits: " + firstLine(e.getMessage()),
          "write the values out, or use at most " + MAX_ALIASES + " aliases of lists and mappings")), 0);
    }
  }

  private static JsonNode json(String source, Node node, int depth, int[] values) throws PolicyException {
    if (depth > MAX_DEPTH || ++values[0] > MAX_VALUES) {
      throw new PolicyException(List.of(new PolicyProblem(new SourceLocation(source, node.getStartMark().getLine() + 1,
          node.getStartMark().getColumn() + 1), "aliases expand the session beyond " + MAX_VALUES + " values or "
          + MAX_DEPTH + " levels", "write the values out")), 0);
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (node) {
      case ScalarNode s -> scalar(s);
      case SequenceNode seq -> {
        ArrayNode a = f.arrayNode();
        for (Node item : seq.getValue()) {
          a.add(json(source, item, depth + 1, values));
        }
        yield a;
      }
      case MappingNode map -> {
        ObjectNode o = f.objectNode();
        for (NodeTuple t : map.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode k && (Tag.MERGE.equals(k.getTag()) || k.getValue().equals("<<"))) {
            merge(source, o, t.getValueNode(), depth, values);
          }
        }
        for (NodeTuple t : map.getValue()) {
          if (t.getKeyNode() instanceof ScalarNode k && !(Tag.MERGE.equals(k.getTag()) || k.getValue().equals("<<"))) {
            o.set(k.getValue(), json(source, t.getValueNode(), depth + 1, values));
          } else if (!(t.getKeyNode() instanceof ScalarNode)) {
            throw new PolicyException(List.of(new PolicyProblem(new SourceLocation(source, t.getKeyNode().getStartMark().getLine()
                + 1, t.getKeyNode().getStartMark().getColumn() + 1), "a key is a list or a mapping", "use a name as the key")), 0);
          }
        }
        yield o;
      }
      default -> f.nullNode();
    };
  }

  /** A merge key's mapping (or list of mappings): entries the mapping does not set itself, earlier ones first. */
  private static void merge(String source, ObjectNode into, Node from, int depth, int[] values) throws PolicyException {
    List<Node> parts = from instanceof SequenceNode seq ? seq.getValue() : List.of(from);
    for (Node part : parts) {
      if (json(source, part, depth + 1, values) instanceof ObjectNode merged) {
        merged.fields().forEachRemaining(e -> {
          if (!into.has(e.getKey())) {
            into.set(e.getKey(), e.getValue());
          }
        });
      }
    }
  }

  /** A scalar as YAML 1.1 types it (as the binder's own reading does): null, true/false, a number, or text. */
  private static JsonNode scalar(ScalarNode s) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    String v = s.getValue();
    Tag tag = s.getTag();
    if (Tag.NULL.equals(tag)) {
      return f.nullNode();
    }
    if (Tag.BOOL.equals(tag)) {
      return f.booleanNode(List.of("true", "yes", "on", "y").contains(v.toLowerCase(java.util.Locale.ROOT)));
    }
    try {
      if (Tag.INT.equals(tag)) {
        return f.numberNode(new java.math.BigInteger(v.replace("_", "")));
      }
      if (Tag.FLOAT.equals(tag)) {
        return f.numberNode(new java.math.BigDecimal(v.replace("_", "")));
      }
    } catch (NumberFormatException other) {
      // 0x1F, 1:20 and the like: kept as written
    }
    return f.textNode(v);
  }

  private static String firstLine(String s) {
    int nl = s == null ? -1 : s.indexOf('\n');
    return s == null ? "" : nl < 0 ? s : s.substring(0, nl);
  }
}
