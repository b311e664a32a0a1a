package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A converted image's launch comes from the container's environment; what is missing or wrong is named. */
class ContainerLaunchTest {
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put(ContainerLaunch.CAS, "https://cas.example:8081");
    env.put(ContainerLaunch.FINGERPRINT, "SHA256:abc");
    env.put(ContainerLaunch.SESSION, "counter-1");
    env.put(ContainerLaunch.SERVICE, "counter");
    env.put(ContainerLaunch.VOLUMES, "encrypted-code=/confide/encrypted/encrypted-code,V1=/V1");
    env.put(ContainerLaunch.HOST_KEY, "/run/confide/host-key");
    return env;
  }

  @Test
  void theLaunchIsReadFromTheEnvironment() {
    ContainerLaunch l = ContainerLaunch.from(env());
    assertThat(l.launch().session()).isEqualTo("counter-1");
    assertThat(l.launch().volumes()).containsEntry("V1", Path.of("/V1"))
        .containsEntry("encrypted-code", Path.of("/confide/encrypted/encrypted-code"));
    assertThat(l.hostKey()).isEqualTo(Path.of("/run/confide/host-key"));
    assertThat(l.evidence()).isEqualTo("auto");
    assertThat(l.launch().streamOutput()).isFalse();
  }

  @Test
  void aMissingOrMalformedVariableIsNamed() {
    Map<String, String> env = env();
    env.remove(ContainerLaunch.CAS);
    assertThatThrownBy(() -> ContainerLaunch.from(env)).isInstanceOfSatisfying(RuntimeFailure.class, e -> {
      assertThat(e.kind()).isEqualTo(RuntimeFailure.Kind.USAGE);
      assertThat(e.getMessage()).isEqualTo("the container has no CONFIDE_CAS in its environment");
    });
    env.put(ContainerLaunch.CAS, "http://cas.example:8081");
    assertThatThrownBy(() -> ContainerLaunch.from(env)).hasMessage("CONFIDE_CAS is not an https URL");
    env.put(ContainerLaunch.CAS, "https://cas.example:8081");
    env.put(ContainerLaunch.VOLUMES, "V1");
    assertThatThrownBy(() -> ContainerLaunch.from(env)).hasMessage("CONFIDE_VOLUMES holds 'V1', not NAME=/PATH");
  }

  @Test
  void theServicesUserIsTheProgramsAccountAndNeverRoot() {
    assertThat(ConfidentialRun.account(null)).containsExactly(Bubblewrap.UID, Bubblewrap.UID);
    assertThat(ConfidentialRun.account("1234:2345")).containsExactly(1234, 2345);
    assertThat(ConfidentialRun.account("4321")).containsExactly(4321, 4321);
    assertThatThrownBy(() -> ConfidentialRun.account("0:0")).hasMessage("the service's user 0:0 is root");
    assertThatThrownBy(() -> new Sandbox.Plan(java.util.List.of("true"), Map.of(), "/", java.util.List.of(), false, 0, 0))
        .hasMessage("the program never runs as root");
  }
}
