package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A JVM its environment or options could make run other code than the measured runtime is refused, naming why. */
class RuntimeEnvironmentTest {
  @Test
  void everyVariableThatChangesTheJvmOrTheLoaderIsRefusedByName() {
    for (String v : RuntimeEnvironment.VARIABLES) {
      assertThatThrownBy(() -> RuntimeEnvironment.check(Map.of(v, "x", "PATH", "/usr/bin"), List.of()))
          .isInstanceOfSatisfying(RuntimeFailure.class, f -> {
            org.assertj.core.api.Assertions.assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.INTEGRITY);
            org.assertj.core.api.Assertions.assertThat(f.getMessage()).startsWith("the runtime's environment sets " + v + ",");
          });
    }
    assertThatCode(() -> RuntimeEnvironment.check(Map.of("PATH", "/usr/bin", "LD_PRELOAD", ""), List.of("-Xmx1g")))
        .doesNotThrowAnyException();
  }

  @Test
  void agentsAndTrafficDebuggingAreRefused() {
    for (String option : List.of("-javaagent:/tmp/a.jar", "-agentlib:jdwp=transport=dt_socket", "-Djavax.net.debug=all",
        "-agentpath:/tmp/x.so")) {
      assertThatThrownBy(() -> RuntimeEnvironment.check(Map.of(), List.of("-Xmx1g", option)))
          .hasMessageContaining("the runtime's JVM was started with " + option.split("[:=]")[0]);
    }
  }

  /** The launcher and scripts/test unset exactly these before starting Java. */
  @Test
  void theLaunchersListIsTheRuntimesList() throws Exception {
    String env = java.nio.file.Files.readString(java.nio.file.Path.of("../scripts/lib/env.sh"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("CONFIDE_JVM_CHANGING_VARIABLES=\"([^\"]*)\"").matcher(env);
    org.assertj.core.api.Assertions.assertThat(m.find()).isTrue();
    org.assertj.core.api.Assertions.assertThat(List.of(m.group(1).split(" "))).isEqualTo(RuntimeEnvironment.VARIABLES);
  }
}
