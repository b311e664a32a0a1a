package dev.confide.runtime;

import java.util.List;
import java.util.Map;

/**
 * Refuses to run in a JVM that its environment or options could make run other code than the
 * measured runtime: the measurement covers the runtime's jars, not what {@code JAVA_TOOL_OPTIONS}
 * (an agent, a debug log of the TLS traffic with the run token in it) or {@code LD_PRELOAD} (code
 * loaded into the JVM) add. The {@code confide} launcher starts Java without these variables; a
 * runtime started any other way with one of them set is refused, naming it.
 */
public final class RuntimeEnvironment {
  /** Variables that change the code the JVM or the dynamic loader runs. */
  public static final List<String> VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
      "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "LD_PROFILE", "LD_DEBUG", "LD_DEBUG_OUTPUT", "LD_ORIGIN_PATH",
      "GCONV_PATH", "MALLOC_TRACE");
  /** JVM options that load code or expose what the runtime handles. */
  static final List<String> OPTIONS = List.of("-javaagent", "-agentlib", "-agentpath", "-Xrun", "-Xdebug",
      "-Djavax.net.debug", "-Djava.security.debug", "-Djdk.attach.allowAttachSelf", "-XX:+EnableDynamicAgentLoading",
      "-Djava.system.class.loader", "-Xbootclasspath", "--patch-module");

  private RuntimeEnvironment() {}

  /** Refuses when {@code environment} sets a variable or {@code jvmOptions} holds an option of the lists above. */
  public static void check(Map<String, String> environment, List<String> jvmOptions) {
    for (String v : VARIABLES) {
      String value = environment.get(v);
      if (value != null && !value.isEmpty()) {
        throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "the runtime's environment sets " + v
            + ", which changes the code the JVM runs beyond what was measured: the runtime does not run so",
            "start it without " + v + " (the confide launcher does; or 'env -u " + v + " ...')");
      }
    }
    for (String option : jvmOptions) {
      for (String refused : OPTIONS) {
        if (option.startsWith(refused)) {
          throw new RuntimeFailure(RuntimeFailure.Kind.INTEGRITY, "the runtime's JVM was started with " + refused
              + ", which loads code or exposes its traffic beyond what was measured: the runtime does not run so",
              "start it without that option (check CONFIDE_JAVA_OPTS)");
        }
      }
    }
  }

  /** {@link #check} on this JVM. */
  public static void checkThisJvm() {
    check(System.getenv(), java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
  }
}
