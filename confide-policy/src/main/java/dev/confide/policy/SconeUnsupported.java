package dev.confide.policy;

import java.util.Map;

/**
 * What SCONE's v0.3 session language has and Confide does not read (docs/session-language.md,
 * "SCONE v0.3 and Confide"): a document using one is refused naming the construct as SCONE's,
 * never taken for a typo and never accepted silently.
 */
final class SconeUnsupported {
  private static final String SEE = "; docs/session-language.md lists what Confide reads of SCONE's v0.3";

  /** Fields, by name, with the way out. */
  static final Map<String, String> FIELDS = Map.of(
      "volume_alias", "remove it and mount the volume under its own name (images[].volumes[].path)" + SEE);

  /** Secret kinds, with the way out. */
  static final Map<String, String> SECRET_KINDS = Map.of();

  private SconeUnsupported() {}
}
