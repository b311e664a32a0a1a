package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a host's one-time password and access token come from: the environment, else the terminal; a wrong shape is refused. */
class StartSecretInputTest {
  @Test
  void theEnvironmentGivesTheCodeWithOrWithoutTheOption() {
    assertThat(StartSecretInput.OTP.read(Map.of("CONFIDE_OTP", " 012345\\n".replace("\\n", "\n")), false, "s", null))
        .isEqualTo("012345");
    assertThat(StartSecretInput.OTP.read(Map.of("CONFIDE_OTP", "012345"), true, "s", null)).isEqualTo("012345");
    assertThat(StartSecretInput.OTP.read(Map.of(), false, "s", null)).isNull();
  }

  @Test
  void aCodeOfAnotherShapeOrNoTerminalToAskOnIsAUsageError() {
    assertThatThrownBy(() -> StartSecretInput.OTP.read(Map.of("CONFIDE_OTP", "12345a"), false, "s", null))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.USAGE))
        .hasMessage("CONFIDE_OTP is not a one-time password (6 digits)");
    assertThatThrownBy(() -> StartSecretInput.OTP.read(Map.of(), true, "s", null))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.hint()).contains("set CONFIDE_OTP"))
        .hasMessage("--otp asks for the one-time password on a terminal, and there is none");
  }

  @Test
  void aContainerTakesItFromItsEnvironment() {
    ContainerLaunch l = ContainerLaunch.from(Map.of("CONFIDE_CAS", "https://cas.example:8081", "CONFIDE_CAS_FINGERPRINT", "SHA256:x",
        "CONFIDE_SESSION", "s", "CONFIDE_SERVICE", "app", "CONFIDE_OTP", "654321"));
    assertThat(l.launch().otp()).isEqualTo("654321");
    assertThat(l.launch().accessToken()).isNull();
    assertThat(l.launch().toString()).doesNotContain("654321");
    ContainerLaunch t = ContainerLaunch.from(Map.of("CONFIDE_CAS", "https://cas.example:8081", "CONFIDE_CAS_FINGERPRINT", "SHA256:x",
        "CONFIDE_SESSION", "s", "CONFIDE_SERVICE", "app", "CONFIDE_ACCESS_TOKEN", "token-of-the-owner-42"));
    assertThat(t.launch().accessToken()).isEqualTo("token-of-the-owner-42");
    assertThat(t.launch().toString()).doesNotContain("token-of-the-owner-42");
  }

  @Test
  void anAccessTokenWithAControlCharacterIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> StartSecretInput.ACCESS_TOKEN.read(Map.of("CONFIDE_ACCESS_TOKEN", "secret\u0007token"), false, "s", null))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.kind()).isEqualTo(RuntimeFailure.Kind.USAGE))
        .hasMessage("CONFIDE_ACCESS_TOKEN is not a service access token (one line, without control characters)");
    assertThatThrownBy(() -> StartSecretInput.ACCESS_TOKEN.read(Map.of(), true, "s", null))
        .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.hint()).contains("set CONFIDE_ACCESS_TOKEN"))
        .hasMessage("--access-token asks for the service access token on a terminal, and there is none");
  }
}
