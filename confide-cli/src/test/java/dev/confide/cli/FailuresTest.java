package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cas.common.CasException;
import org.junit.jupiter.api.Test;

/** The CAS's refusals become the README's exit codes. */
class FailuresTest {
  private static int code(int status, String error) {
    return Failures.of(new CasException(status, error, "m", "h")).exitCode();
  }

  @Test
  void aReplicaWithoutTheAuditKeyIsASetUpProblem() {
    assertThat(code(0, "audit_key_mismatch")).isEqualTo(ExitCodes.CONFIG);
  }

  @Test
  void otherRefusalsKeepTheirCodes() {
    assertThat(code(0, "fingerprint_mismatch")).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(code(0, "unreachable")).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(code(403, "forbidden")).isEqualTo(ExitCodes.DENIED);
    assertThat(code(409, "stale_tag")).isEqualTo(ExitCodes.TEMP_FAIL);
  }
}
