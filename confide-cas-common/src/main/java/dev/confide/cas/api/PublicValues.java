package dev.confide.cas.api;

import java.util.Map;

/**
 * {@code GET /v1/values?session=NAME}: the public parts of a session's {@code export_public}
 * secrets, readable by anyone: each x509 or x509-ca secret's certificate (PEM), never its key.
 */
public record PublicValues(String session, Map<String, Value> values) {
  public PublicValues {
    values = values == null ? Map.of() : Map.copyOf(values);
  }

  /** One secret's public part: its kind and its certificate as PEM. */
  public record Value(String kind, String value) {}
}
