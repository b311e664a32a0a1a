package dev.confide.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonTokenId;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a YAML document is, by JSON pointer ({@code /services/0/image_name}), so
 * that checks made after binding can still name a line and column.
 */
final class SourceLocations {
  private final String source;
  private final Map<String, SourceLocation> byPointer;
  private final Map<String, SourceLocation> keys;
  private final PolicyProblem syntaxError;

  private SourceLocations(String source, Map<String, SourceLocation> byPointer, Map<String, SourceLocation> keys,
      PolicyProblem syntaxError) {
    this.source = source;
    this.byPointer = byPointer;
    this.keys = keys;
    this.syntaxError = syntaxError;
  }

  /** The YAML syntax error that ended the text's reading early, or null. */
  PolicyProblem syntaxError() {
    return syntaxError;
  }

  /**
   * The places of everything before the first YAML syntax error, if there is one ({@link #syntaxError}):
   * problems found before it can still be named by line and column.
   */
  static SourceLocations upToError(String source, String text, YAMLFactory factory) {
    Map<String, SourceLocation> map = new HashMap<>();
    Map<String, SourceLocation> keys = new HashMap<>();
    try {
      read(source, text, factory, map, keys);
      return new SourceLocations(source, map, keys, null);
    } catch (IOException e) {
      org.yaml.snakeyaml.error.MarkedYAMLException yaml = null;
      for (Throwable t = e; t != null && yaml == null; t = t.getCause()) {
        yaml = t instanceof org.yaml.snakeyaml.error.MarkedYAMLException y ? y : null;
      }
      var mark = yaml == null ? null : yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
      String problem = yaml != null && yaml.getProblem() != null ? yaml.getProblem() : "the text cannot be read as YAML";
      PolicyProblem error = mark == null ? new PolicyProblem(null, source + ": not valid YAML: " + problem, "fix the YAML syntax")
          : new PolicyProblem(new SourceLocation(source, mark.getLine() + 1, mark.getColumn() + 1), "not valid YAML: " + problem,
              "fix the YAML syntax");
      return new SourceLocations(source, map, keys, error);
    }
  }

  /** The location of the key naming the field at {@code pointer}, else of its value. */
  SourceLocation keyAt(String pointer) {
    SourceLocation key = keys.get(pointer);
    return key != null ? key : at(pointer);
  }

  private static void read(String source, String text, YAMLFactory factory, Map<String, SourceLocation> map,
      Map<String, SourceLocation> keys) throws IOException {
    try (JsonParser parser = factory.createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token.id() == JsonTokenId.ID_FIELD_NAME) {
          // an unknown field is best shown by its key
          var at = parser.currentTokenLocation();
          keys.putIfAbsent(parser.getParsingContext().pathAsPointer().toString(),
              new SourceLocation(source, at.getLineNr(), at.getColumnNr()));
          continue;
        }
        String pointer = token.isStructEnd()
            ? null
            : parser.getParsingContext().pathAsPointer().toString();
        if (token.isStructStart()) {
          // for a container the pointer must name the container itself, not its first element
          pointer = parser.getParsingContext().getParent() == null
              ? ""
              : parser.getParsingContext().getParent().pathAsPointer().toString();
        }
        if (pointer != null) {
          var at = parser.currentTokenLocation();
          map.putIfAbsent(pointer, new SourceLocation(source, at.getLineNr(), at.getColumnNr()));
        }
      }
    }
  }

  /** The location of the value at {@code pointer}, else of its nearest enclosing value. */
  SourceLocation at(String pointer) {
    String p = pointer;
    while (true) {
      SourceLocation found = byPointer.get(p);
      if (found != null) {
        return found;
      }
      if (p.isEmpty()) {
        return new SourceLocation(source, 1, 1);
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }
}
