package dev.confide.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints a command's report either as aligned human lines or as one JSON object. */
public final class Output {
  // keys and tags in the records it prints are hex, as on the wire
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .registerModule(dev.confide.cas.api.WireTypes.module());

  private final PrintWriter out;
  private final boolean json;

  public Output(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  public boolean json() {
    return json;
  }

  /** A report: a headline for people, fields for both. */
  public void report(String headline, Map<String, ?> fields) {
    if (json) {
      try {
        out.println(JSON.writeValueAsString(fields));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render JSON", e);
      }
    } else {
      out.println(headline);
      int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
      fields.forEach((k, v) -> out.printf("  %-" + width + "s  %s%n", k, v));
    }
    out.flush();
  }

  public static Map<String, Object> fields(Object... keyValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  /** One line of JSON with the wire types' forms; configured once. */
  private static final ObjectMapper COMPACT = new ObjectMapper().registerModule(dev.confide.cas.api.WireTypes.module());

  public static String json(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }
}
