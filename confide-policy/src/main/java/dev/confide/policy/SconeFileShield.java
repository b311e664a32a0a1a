package dev.confide.policy;

import java.util.regex.Pattern;

/**
 * SCONE's file shield: a tree or volume protected by SCONE's runtime (its fspf file, whose tag is 16
 * bytes: 32 hex digits) rather than by Confide (whose tags are 32 bytes). A session may name one
 * ({@code services[].fspf_tag}, {@code volumes[].fspf_tag}): it is kept and hashed like any field,
 * and the CAS refuses to start such a service or open such a volume, naming SCONE's file shield,
 * since Confide's runtime cannot open it and would otherwise run the program without the files it
 * expects.
 */
public final class SconeFileShield {
  private static final Pattern TAG = Pattern.compile("[0-9a-fA-F]{32}");

  private SconeFileShield() {}

  /** Whether {@code tag} is SCONE's file shield's. */
  public static boolean isTag(String tag) {
    return tag != null && TAG.matcher(tag).matches();
  }
}
