package dev.confide.cas.common;

import dev.confide.cas.api.ApiError;

/** A refusal with its HTTP status; becomes an {@link ApiError} body. Never carries a secret. */
public final class CasException extends RuntimeException {
  private final int status;
  private final String error;
  private final String hint;
  private final java.util.List<ApiError.Problem> problems;

  public CasException(int status, String error, String message, String hint) {
    this(status, error, message, hint, java.util.List.of());
  }

  /** A refusal that lists several problems (a refused session's). */
  public CasException(int status, String error, String message, String hint, java.util.List<ApiError.Problem> problems) {
    super(message);
    this.status = status;
    this.error = error;
    this.hint = hint;
    this.problems = java.util.List.copyOf(problems);
  }

  /** Every problem a refused session has (empty for other refusals). */
  public java.util.List<ApiError.Problem> problems() {
    return problems;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public String hint() {
    return hint;
  }

  public ApiError body() {
    return new ApiError(error, getMessage(), hint, problems);
  }

  public static CasException badRequest(String message, String hint) {
    return new CasException(400, "bad_request", message, hint);
  }

  public static CasException forbidden(String message, String hint) {
    return new CasException(403, "forbidden", message, hint);
  }

  public static CasException notFound(String message, String hint) {
    return new CasException(404, "not_found", message, hint);
  }

  public static CasException conflict(String error, String message, String hint) {
    return new CasException(409, error, message, hint);
  }
}
