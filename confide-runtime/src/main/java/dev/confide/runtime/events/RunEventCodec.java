package dev.confide.runtime.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Optional;
import java.util.Set;

/** {@link RunEvent}s and the {@link RunLaunch} to and from their one-line JSON form. */
public final class RunEventCodec {
  private static final Set<String> KNOWN = Set.of("phase_started", "phase_ended", "progress", "finished", "failed");
  /** Longer lines are refused unread: a report is a few KiB, and a host must not make the client buffer gigabytes. */
  public static final int MAX_LINE = 1 << 20;

  /**
   * One mapper for every codec of the process, configured once and never changed (Jackson's
   * mappers are safe to share): it keeps what it learnt of each record's shape, which a mapper of
   * its own per codec learnt again for every run (a runtime's first launch decoded 20-30 ms late;
   * a daemon's client decoded each run's report cold).
   */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).addModule(dev.confide.cas.api.WireTypes.module()).build();

  /** One line, without its newline; never holds a line break. */
  public String encode(RunEvent event) {
    try {
      return JSON.writerFor(RunEvent.class).writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
    }
  }

  /**
   * The event on {@code line}; empty for a well-formed event of a kind this version does not know.
   *
   * @throws MalformedEventException when the line is not a run event
   */
  public Optional<RunEvent> decode(String line) throws MalformedEventException {
    if (line.length() > MAX_LINE) {
      throw new MalformedEventException("an event line of " + line.length() + " characters (at most " + MAX_LINE + ")");
    }
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject() || !node.path("event").isTextual()) {
        throw new MalformedEventException("a line that is not a JSON object with an \"event\": " + shortened(line));
      }
      if (!KNOWN.contains(node.get("event").asText())) {
        return Optional.empty();
      }
      return Optional.of(JSON.treeToValue(node, RunEvent.class));
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("a line that is not a run event (" + e.getOriginalMessage() + "): " + shortened(line));
    }
  }

  /** The approach line ({@link RunApproach}), without its newline. */
  public String encode(RunApproach approach) {
    try {
      return JSON.writeValueAsString(java.util.Map.of("approach", approach));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the approach", e);
    }
  }

  /** The approach on {@code line}, if it is one ({@code {"approach":{...}}}); empty for any other line. */
  public Optional<RunApproach> decodeApproach(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject() || !node.path("approach").isObject()) {
        return Optional.empty();
      }
      RunApproach approach = JSON.treeToValue(node.get("approach"), RunApproach.class);
      return approach.cas() == null || approach.casFingerprint() == null ? Optional.empty() : Optional.of(approach);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The launch line, without its newline. */
  public String encode(RunLaunch launch) {
    try {
      return JSON.writeValueAsString(launch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the launch", e);
    }
  }

  /**
   * The launch on {@code line}.
   *
   * @throws MalformedEventException when the line is not a launch naming a CAS, its fingerprint, a session and a service
   */
  public RunLaunch decodeLaunch(String line) throws MalformedEventException {
    try {
      RunLaunch launch = JSON.readValue(line, RunLaunch.class);
      if (launch == null || launch.cas() == null || launch.casFingerprint() == null || launch.session() == null
          || launch.service() == null) {
        throw new MalformedEventException("a launch line without its CAS, fingerprint, session and service");
      }
      return launch;
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("a launch line that is not JSON (" + e.getOriginalMessage() + "): " + shortened(line));
    }
  }

  private static String shortened(String line) {
    String printable = line.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() <= 120 ? printable : printable.substring(0, 120) + "...";
  }

  /** A line from a runtime that is not a run event. */
  public static final class MalformedEventException extends Exception {
    public MalformedEventException(String message) {
      super(message);
    }
  }
}
