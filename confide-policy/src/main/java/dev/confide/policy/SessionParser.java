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
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns session text into a validated {@link Session}, or refuses it naming line and column. */
public final class SessionParser {
  /**
   * Configured once, never changed, shared by every parser of the process: a mapper learns each
   * record's shape once, and a CAS started per run (the daemon's embedded one) would otherwise
   * learn the whole session model again for every session it parses.
   */
  private static final ObjectMapper MAPPER = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();
  private static final YAMLFactory FACTORY = (YAMLFactory) MAPPER.getFactory();

  public SessionParser() {}

  /**
   * Parses and validates; {@code source} names the text in messages (a file name). Every problem
   * is found: unknown fields anywhere in the document, then every check of the bound session (a
   * value of the wrong type or broken YAML stops binding: it is listed with the unknown fields
   * found before it).
   *
   * @throws PolicyException listing each problem's {@code source:line:column}, what is wrong and what to write
   */
  public Session parse(String source, String text) throws PolicyException {
    return parse(source, text, null);
  }

  /**
   * As {@link #parse(String, String)}, with imported config-fragments resolved by {@code fragments}
   * (null: they are left out, and what they would fill is checked without them).
   */
  public Session parse(String source, String text, ConfigFragments.Source fragments) throws PolicyException {
    if (text.isBlank()) {
      throw new PolicyException(source + ": the session is empty", "write at least a 'name:'");
    }
    YamlDocuments.Read read = YamlDocuments.session(source, text);
    text = read.text();
    // what is bound has its aliases resolved; places are those of the text as written, up to
    // broken YAML if there is some
    String bound = read.aliases() ? YamlAliases.resolved(source, text) : text;
    SourceLocations locations = SourceLocations.upToError(source, text, FACTORY);
    UnknownFields unknown = new UnknownFields();
    List<PolicyProblem> problems = new ArrayList<>();
    Session session = null;
    ConfigFragments.Expanded expanded = ConfigFragments.expand(bound, FACTORY, MAPPER, fragments);
    if (expanded != null) {
      for (SessionProblem p : expanded.problems()) {
        problems.add(new PolicyProblem(locations.at(p.pointer()), p.message(), p.hint()));
      }
    }
    try (JsonParser parser = expanded != null ? MAPPER.treeAsTokens(expanded.tree()) : FACTORY.createParser(bound)) {
      session = MAPPER.readerFor(Session.class).withHandler(unknown).readValue(parser);
    } catch (JsonProcessingException e) {
      problems.add(refusal(source, locations, e));
    } catch (IOException e) {
      throw new PolicyException(source + ": cannot read the session: " + e.getMessage(), "check the file");
    }
    if (locations.syntaxError() != null && problems.stream().noneMatch(p -> p.message().contains("not valid YAML"))) {
      problems.add(locations.syntaxError());
    }
    for (UnknownFields.Found f : unknown.found) {
      String parent = f.pointer().substring(0, f.pointer().lastIndexOf('/'));
      problems.add(new PolicyProblem(locations.keyAt(f.pointer()), "unknown field '" + f.name() + "' in "
          + describePointer(parent), "known fields here: " + known(f.known())));
    }
    if (problems.isEmpty() && session == null) {
      throw new PolicyException(source + ": the session is empty", "write at least a 'name:'");
    }
    if (session != null) {
      for (SessionProblem p : new SessionValidator(session).problems()) {
        problems.add(new PolicyProblem(locations.at(p.pointer()), p.message(), p.hint()));
      }
    }
    if (!problems.isEmpty()) {
      throw refused(problems);
    }
    return session;
  }

  /** All problems, sorted by place (those without one first) and without repeats, at most {@link PolicyException#MAX_PROBLEMS}. */
  private static PolicyException refused(List<PolicyProblem> problems) {
    List<PolicyProblem> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(problems));
    sorted.sort(java.util.Comparator.comparingInt((PolicyProblem p) -> p.where() == null ? 0 : p.where().line())
        .thenComparingInt(p -> p.where() == null ? 0 : p.where().column()));
    int listed = Math.min(sorted.size(), PolicyException.MAX_PROBLEMS);
    return new PolicyException(sorted.subList(0, listed), sorted.size() - listed);
  }

  /**
   * Records each field no record of the session language has, and skips its value, so that binding
   * goes on and every unknown field of the document is reported at once.
   */
  private static final class UnknownFields extends com.fasterxml.jackson.databind.deser.DeserializationProblemHandler {
    record Found(String pointer, String name, Collection<Object> known) {}

    private final List<Found> found = new ArrayList<>();

    @Override
    public boolean handleUnknownProperty(com.fasterxml.jackson.databind.DeserializationContext ctxt, JsonParser p,
        com.fasterxml.jackson.databind.JsonDeserializer<?> deserializer, Object beanOrClass, String propertyName)
        throws IOException {
      // the object that names it: its context's current name is the unknown field (the parser may
      // stand inside the field's value already)
      com.fasterxml.jackson.core.JsonStreamContext context = p.getParsingContext();
      while (context != null && !(context.inObject() && propertyName.equals(context.getCurrentName()))) {
        context = context.getParent();
      }
      found.add(new Found(context == null ? "/" + propertyName : context.pathAsPointer().toString(), propertyName,
          deserializer.getKnownPropertyNames()));
      p.skipChildren();
      return true;
    }
  }

  private static PolicyProblem refusal(String source, SourceLocations locations, JsonProcessingException e) {
    MarkedYAMLException yaml = syntaxError(e);
    if (yaml != null) {
      var mark = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
      SourceLocation place = mark == null ? null : new SourceLocation(source, mark.getLine() + 1, mark.getColumn() + 1);
      String problem = yaml.getProblem() != null ? yaml.getProblem() : firstLine(yaml.getMessage());
      return located(source, place, "not valid YAML: " + problem, "fix the YAML syntax");
    }
    if (!(e instanceof JsonMappingException m)) {
      return located(source, at(source, e.getLocation()), "not valid YAML: " + firstLine(e.getOriginalMessage()),
          "fix the YAML syntax");
    }
    // unknown fields never get here: UnknownFields records and skips them
    String pointer = pointer(m.getPath());
    SourceLocation place = locations.at(pointer);
    if (m instanceof InvalidFormatException f) {
      return new PolicyProblem(place, describePointer(pointer) + " must be " + describe(f.getTargetType())
          + ", not '" + f.getValue() + "'", "fix the value's type");
    }
    if (m instanceof MismatchedInputException f) {
      return new PolicyProblem(place, describePointer(pointer) + " must be " + describe(f.getTargetType()),
          "fix the value's type; see docs/session-language.md");
    }
    return new PolicyProblem(place, plain(m), "see docs/session-language.md");
  }

  /** A problem at {@code place}, or of the whole {@code source} when no place is known. */
  private static PolicyProblem located(String source, SourceLocation place, String message, String hint) {
    return place == null ? new PolicyProblem(null, source + ": " + message, hint) : new PolicyProblem(place, message, hint);
  }

  /**
   * Jackson's own words, without the Java it names: a value that cannot become a session's part
   * is described by where it is, not by a class or a "Cannot deserialize".
   */
  private static String plain(JsonMappingException m) {
    String original = firstLine(m.getOriginalMessage());
    String where = describePointer(pointer(m.getPath()));
    java.util.regex.Matcher type = java.util.regex.Pattern.compile("value of type `([^`]+)`").matcher(original);
    if (type.find()) {
      String t = type.group(1);
      String form = t.equals("java.lang.String") ? "a string" : t.startsWith("java.util.List") ? "a list"
          : t.startsWith("java.util.Map") ? "a mapping of names to strings" : t.equals("boolean") || t.equals("java.lang.Boolean")
          ? "true or false" : t.equals("int") || t.equals("java.lang.Integer") ? "a whole number" : "a mapping (key: value lines)";
      return where + " must be " + form;
    }
    if (original.contains("Cannot deserialize") || original.contains("dev.confide") || original.contains("java.")
        || original.contains("`")) {
      return where + " does not have the form the session language gives it";
    }
    return original;
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

  private static SourceLocation at(String source, JsonLocation location) {
    return location == null ? null : new SourceLocation(source, location.getLineNr(), location.getColumnNr());
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
