package dev.confide.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns session text into a validated {@link Session}, or refuses it naming line and column. */
public final class SessionParser {
  private final YAMLFactory factory;
  private final ObjectMapper mapper;

  public SessionParser() {
    this.mapper = YAMLMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .build();
    this.factory = (YAMLFactory) mapper.getFactory();
  }

  /**
   * Parses and validates; {@code source} names the text in messages (a file name).
   *
   * @throws PolicyException naming {@code source:line:column} and what is wrong
   */
  public Session parse(String source, String text) throws PolicyException {
    if (text.isBlank()) {
      throw new PolicyException(source + ": the session is empty", "write at least a 'name:'");
    }
    Session session;
    try (JsonParser parser = factory.createParser(text)) {
      session = mapper.readValue(parser, Session.class);
    } catch (JsonProcessingException e) {
      throw refusal(source, text, e);
    } catch (IOException e) {
      throw new PolicyException(source + ": cannot read the session: " + e.getMessage(), "check the file");
    }
    if (session == null) {
      throw new PolicyException(source + ": the session is empty", "write at least a 'name:'");
    }
    SourceLocations locations;
    try {
      locations = SourceLocations.of(source, text, factory);
    } catch (IOException e) {
      throw new IllegalStateException("text parsed once but not twice", e);
    }
    List<SessionProblem> problems = new SessionValidator(session).problems();
    if (!problems.isEmpty()) {
      SessionProblem first = problems.getFirst();
      String more = problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more problems)";
      throw new PolicyException(locations.at(first.pointer()) + ": " + first.message() + more, first.hint());
    }
    return session;
  }

  private PolicyException refusal(String source, String text, JsonProcessingException e) {
    MarkedYAMLException yaml = syntaxError(e);
    if (yaml != null) {
      var mark = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
      String place = mark == null ? source : new SourceLocation(source, mark.getLine() + 1, mark.getColumn() + 1).toString();
      String problem = yaml.getProblem() != null ? yaml.getProblem() : firstLine(yaml.getMessage());
      return new PolicyException(place + ": not valid YAML: " + problem, "fix the YAML syntax");
    }
    if (!(e instanceof JsonMappingException m)) {
      return new PolicyException(at(source, e.getLocation()) + ": not valid YAML: " + firstLine(e.getOriginalMessage()),
          "fix the YAML syntax");
    }
    SourceLocations locations;
    try {
      locations = SourceLocations.of(source, text, factory);
    } catch (IOException unexpected) {
      return new PolicyException(at(source, e.getLocation()) + ": " + m.getOriginalMessage(), "see docs/session-language.md");
    }
    String pointer = pointer(m.getPath());
    SourceLocation place = locations.at(pointer);
    if (m instanceof UnrecognizedPropertyException u) {
      place = locations.keyAt(pointer);
      String parent = pointer.substring(0, pointer.lastIndexOf('/'));
      return new PolicyException(place + ": unknown field '" + u.getPropertyName() + "' in " + describePointer(parent),
          "known fields here: " + known(u.getKnownPropertyIds()));
    }
    if (m instanceof InvalidFormatException f) {
      return new PolicyException(place + ": " + describePointer(pointer) + " must be " + describe(f.getTargetType())
          + ", not '" + f.getValue() + "'", "fix the value's type");
    }
    if (m instanceof MismatchedInputException f) {
      return new PolicyException(place + ": " + describePointer(pointer) + " must be " + describe(f.getTargetType()),
          "fix the value's type; see docs/session-language.md");
    }
    return new PolicyException(place + ": " + firstLine(m.getOriginalMessage()), "see docs/session-language.md");
  }

  private static MarkedYAMLException syntaxError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException y) {
        return y;
      }
    }
    return null;
  }

  private static String pointer(List<JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        b.append('/').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('/').append(r.getIndex());
      }
    }
    return b.toString();
  }

  /** {@code /services/0/environment} as {@code 'services[0].environment'}. */
  private static String describePointer(String pointer) {
    if (pointer.isEmpty()) {
      return "the session";
    }
    StringBuilder b = new StringBuilder();
    for (String part : pointer.substring(1).split("/")) {
      if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
        b.append('[').append(part).append(']');
      } else {
        b.append(b.isEmpty() ? "" : ".").append(part);
      }
    }
    return "'" + b + "'";
  }

  private static String at(String source, JsonLocation location) {
    return location == null ? source : new SourceLocation(source, location.getLineNr(), location.getColumnNr()).toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (java.util.Map.class.isAssignableFrom(type)) {
      return "a mapping of names to strings";
    }
    return "a mapping (key: value lines)";
  }

  private static String known(Collection<Object> ids) {
    return ids == null ? "(none)" : ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
