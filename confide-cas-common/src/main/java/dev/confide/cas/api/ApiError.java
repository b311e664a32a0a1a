package dev.confide.cas.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every refusal: a short code, one line saying what went wrong, one line saying what to change;
 * for a refused session ({@code invalid_session}) also every problem found in it, sorted by place
 * ({@code problems}: line and column of the session text where known; absent for other refusals).
 */
public record ApiError(String error, String message, String hint,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Problem> problems) {
  public ApiError {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  public ApiError(String error, String message, String hint) {
    this(error, message, hint, null);
  }

  /** One problem of a refused session: where (null when the text as a whole is wrong), what, and what to write instead. */
  public record Problem(Integer line, Integer column, String message, String hint) {}
}
