package dev.confide.attest.tdx;

import java.util.Map;
import java.util.Set;

/**
 * What a session accepts of an Intel TDX guest: its MRTDs (96 hex; null: any), RTMRs by index
 * (0–3, 96 hex each; absent: any), the report data's expected start (hex; null: any), the
 * weaknesses it tolerates — {@code debug-mode} (a debuggable TD), {@code outdated-tcb},
 * {@code insecure-configuration} (ConfigurationNeeded), {@code software-hardening-needed} — and the
 * advisories it ignores (ids, or {@code *}).
 */
public record TdxPolicy(Set<String> mrTd, Map<Integer, String> rtmr, String reportData, Set<String> tolerate,
    Set<String> ignoreAdvisories) {
  public static final String DEBUG_MODE = "debug-mode";
  public static final String OUTDATED_TCB = "outdated-tcb";
  public static final String INSECURE_CONFIGURATION = "insecure-configuration";
  public static final String SOFTWARE_HARDENING_NEEDED = "software-hardening-needed";

  public TdxPolicy {
    mrTd = mrTd == null ? null : Set.copyOf(mrTd);
    rtmr = rtmr == null ? Map.of() : Map.copyOf(rtmr);
    tolerate = tolerate == null ? Set.of() : Set.copyOf(tolerate);
    ignoreAdvisories = ignoreAdvisories == null ? Set.of() : Set.copyOf(ignoreAdvisories);
  }
}
