package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a runtime must measure for a session's service: the executable its command starts, the
 * PATH it is looked up in, and the folders the session measures with it ({@code measured_trees}).
 * Sealed to the runtime's key and released only after evidence from a trusted host, so nobody
 * else learns what a session runs, or whether it exists.
 */
public record RunPlan(String executable, String path, @JsonProperty("measured_trees") List<String> measuredTrees) {
  public RunPlan {
    measuredTrees = measuredTrees == null ? List.of() : List.copyOf(measuredTrees);
  }
}
