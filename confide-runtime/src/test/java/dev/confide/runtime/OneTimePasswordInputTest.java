package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a host's one-time password comes from: CONFIDE_OTP, else the terminal for --otp; a wrong shape is refused. */
class OneTimePasswordInputTest {
  @Test
  void theEnvironmentGivesTheCodeWithOrWithoutTheOption() {
    assertThat(OneTimePasswordInput.read(Map.of("CONFIDE_OTP", " 012345\\n".replace("\\n", "\n")), false, "s", null))
        .isEqualTo("012345");
    assertThat(OneTimePasswordInput.read(Map.of("CONFIDE_OTP", "012345"), true, "s", null)).isEqualTo("012345");
    assertThat(OneTimePasswordInput.read(Map.of(), false, "s", null)).isNull();
  }

  @Test
  void aCodeOfAnotherShapeOrNoTerminalToAskOnIsAUsageError() {
    assertThatThrownBy(() -> OneTimePasswordInput.read(Map.of("CONFIDE_OTP", "12345a"), false, "s", null))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.USAGE))
        .hasMessage("CONFIDE_OTP is not a one-time password (6 digits)");
    assertThatThrownBy(() -> OneTimePasswordInput.read(Map.of(), true, "s", null))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.hint()).contains("set CONFIDE_OTP"))
        .hasMessage("--otp asks for the code on a terminal, and there is none");
  }

  @Test
  void aContainerTakesItFromItsEnvironment() {
    ContainerLaunch l = ContainerLaunch.from(Map.of("CONFIDE_CAS", "https://cas.example:8081", "CONFIDE_CAS_FINGERPRINT", "SHA256:x",
        "CONFIDE_SESSION", "s", "CONFIDE_SERVICE", "app", "CONFIDE_OTP", "654321"));
    assertThat(l.launch().otp()).isEqualTo("654321");
    assertThat(l.launch().toString()).doesNotContain("654321");
  }
}
