package dev.confide.cas.common;

import java.nio.charset.StandardCharsets;

/**
 * The HPKE context infos the CAS seals with and the runtime opens with, one per kind of sealed
 * answer, so that a sealed plan is never taken for a configuration nor the other way round.
 */
public final class SealedContexts {
  /** A run's configuration (command, environment, volume keys, secrets, run token). */
  public static final String CONFIGURATION = "confide run configuration v1";
  /** What a runtime must measure (executable and PATH). */
  public static final String PLAN = "confide run plan v1";

  private SealedContexts() {}

  /** The context's bytes, as HPKE takes them. */
  public static byte[] bytes(String context) {
    return context.getBytes(StandardCharsets.US_ASCII);
  }
}
