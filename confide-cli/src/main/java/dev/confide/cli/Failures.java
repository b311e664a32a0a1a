package dev.confide.cli;

import dev.confide.runtime.RuntimeFailure;
import dev.confide.attest.AttestationException;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.PrivateFiles;
import dev.confide.policy.PolicyException;
import dev.confide.volume.VolumeException;
import java.util.Locale;

/** Turns every exception a user can cause into one line, a hint and a documented exit code. */
final class Failures {
  private Failures() {}

  /** What the user is told. */
  record Report(int exitCode, String error, String message, String hint) {}

  /** The report for {@code e}, or null when it is a bug (internal error). */
  static Report of(Throwable e) {
    if (e instanceof VolumeException v) {
      return new Report(ExitCodes.of(v.failure()), v.failure().name().toLowerCase(Locale.ROOT), v.getMessage(), v.hint());
    }
    if (e instanceof CliFailure f) {
      return new Report(f.exitCode(), f.error(), f.getMessage(), f.hint());
    }
    if (e instanceof PolicyException p) {
      return new Report(ExitCodes.DATA, "invalid_session", p.getMessage(), p.hint());
    }
    if (e instanceof PrivateFiles.LoosePermissionsException l) {
      return new Report(ExitCodes.DENIED, "loose_permissions", l.getMessage(), l.hint());
    }
    if (e instanceof AttestationException a) {
      int code = switch (a.reason()) {
        case COMMAND_NOT_FOUND, IO -> ExitCodes.NO_INPUT;
        case MALFORMED -> ExitCodes.DATA;
        case SIMULATION_NOT_TOLERATED, UNTRUSTED_HOST -> ExitCodes.DENIED;
        case BAD_SIGNATURE, REPORT_DATA_MISMATCH, MEASUREMENT_NOT_ALLOWED -> ExitCodes.INTEGRITY;
      };
      return new Report(code, a.reason().name().toLowerCase(Locale.ROOT), a.getMessage(), a.hint());
    }
    if (e instanceof RuntimeFailure r) {
      int code = switch (r.kind()) {
        case USAGE -> ExitCodes.USAGE;
        case UNAVAILABLE -> ExitCodes.UNAVAILABLE;
        case INTEGRITY -> ExitCodes.INTEGRITY;
        case CONFLICT -> ExitCodes.TEMP_FAIL;
        case IO -> ExitCodes.IO;
        case CANCELLED -> ExitCodes.CANCELLED;
      };
      return new Report(code, r.kind().name().toLowerCase(Locale.ROOT), r.getMessage(), r.hint());
    }
    if (e instanceof CasException c) {
      return new Report(exitCode(c), c.error(), c.getMessage(), c.hint());
    }
    return null;
  }

  static int exitCode(CasException c) {
    if (c.error().equals("fingerprint_mismatch") || c.error().equals("integrity") || c.error().equals("rollback")
        || (c.error().startsWith("attestation_") && !c.error().equals("attestation_simulation_not_tolerated")
            && !c.error().equals("attestation_untrusted_host"))) {
      return ExitCodes.INTEGRITY;
    }
    if (c.error().equals("audit_key_mismatch")) {
      return ExitCodes.CONFIG;
    }
    int s = c.status();
    if (s == 0 || s >= 500) {
      return ExitCodes.UNAVAILABLE;
    }
    return switch (s) {
      case 401, 403 -> ExitCodes.DENIED;
      case 404 -> ExitCodes.NO_INPUT;
      case 409, 429 -> ExitCodes.TEMP_FAIL;
      default -> ExitCodes.DATA;
    };
  }
}
