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

  private SourceLocations(String source, Map<String, SourceLocation> byPointer, Map<String, SourceLocation> keys) {
    this.source = source;
    this.byPointer = byPointer;
    this.keys = keys;
  }

  /** The location of the key naming the field at {@code pointer}, else of its value. */
  SourceLocation keyAt(String pointer) {
    SourceLocation key = keys.get(pointer);
    return key != null ? key : at(pointer);
  }

  static SourceLocations of(String source, String text, YAMLFactory factory) throws IOException {
    Map<String, SourceLocation> map = new HashMap<>();
    Map<String, SourceLocation> keys = new HashMap<>();
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
    return new SourceLocations(source, map, keys);
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
