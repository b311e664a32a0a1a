package dev.confide.runtime.events;

import dev.confide.attest.AttestationException;
import dev.confide.cas.common.CasException;
import dev.confide.cas.common.PrivateFiles;
import dev.confide.policy.PolicyException;
import dev.confide.runtime.ExitCodes;
import dev.confide.runtime.RuntimeFailure;
import dev.confide.volume.Failure;
import dev.confide.volume.VolumeException;
import java.util.Locale;

/**
 * A failure across the process boundary: the runtime describes what stopped it as a
 * {@link RunEvent.Failed}, and the client turns that back into the exception it would have caught
 * had the runtime run in its own process, so that a run on any host ends with the same line and
 * exit code.
 */
public final class RunFailures {
  private RunFailures() {}

  /** What the user is told about a failure: its exit code, stable error code, one line and a hint. */
  public record Report(int exitCode, String error, String message, String hint) {}

  /** The report for {@code e}, or null when no part of Confide expected it (a bug: an internal error). */
  public static Report report(Throwable e) {
    if (e instanceof VolumeException v) {
      return new Report(ExitCodes.of(v.failure()), v.failure().name().toLowerCase(Locale.ROOT), v.getMessage(), v.hint());
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
        case BAD_SIGNATURE, REPORT_DATA_MISMATCH, MEASUREMENT_NOT_ALLOWED, BAD_CHAIN, TCB -> ExitCodes.INTEGRITY;
        case EXPIRED, GUEST_POLICY -> ExitCodes.DENIED;
        case NO_COLLATERAL -> ExitCodes.UNAVAILABLE;
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
        case INTERNAL -> ExitCodes.SOFTWARE;
      };
      return new Report(code, r.kind().name().toLowerCase(Locale.ROOT), r.getMessage(), r.hint());
    }
    if (e instanceof CasException c) {
      return new Report(exitCode(c), c.error(), c.getMessage(), c.hint());
    }
    return null;
  }

  /** The exit code of a CAS refusal: by its error code where that says more than its HTTP status. */
  public static int exitCode(CasException c) {
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

  /** What the runtime says about {@code e}; a failure no part of Confide expected is {@code internal}. */
  public static RunEvent.Failed describe(Throwable e) {
    return switch (e) {
      case AttestationException a -> failed("attestation", a.reason().name(), 0, a.getMessage(), a.hint());
      case RuntimeFailure r -> failed("runtime", r.kind().name(), 0, r.getMessage(), r.hint());
      case CasException c -> new RunEvent.Failed("cas", c.error(), c.status(), c.getMessage(), c.hint());
      case VolumeException v -> failed("volume", v.failure().name(), 0, v.getMessage(), v.hint());
      case PolicyException p -> failed("policy", "invalid_session", 0, p.getMessage(), p.hint());
      case PrivateFiles.LoosePermissionsException l -> failed("permissions", "loose_permissions", 0, l.getMessage(), l.hint());
      default -> failed("internal", "internal", 0, "the runtime failed: " + e, "run it again with --debug and report it");
    };
  }

  private static RunEvent.Failed failed(String source, String kind, int status, String message, String hint) {
    return new RunEvent.Failed(source, kind.toLowerCase(Locale.ROOT), status, message, hint);
  }

  /**
   * The exception {@code f} describes. A kind this version does not know (a newer runtime's)
   * becomes a {@link RuntimeFailure} of kind {@code INTERNAL} that keeps the runtime's words.
   */
  public static Exception rebuild(RunEvent.Failed f) {
    String kind = f.kind() == null ? "" : f.kind().toUpperCase(Locale.ROOT);
    String message = f.message() == null ? "the runtime failed without saying why" : f.message();
    String hint = f.hint() == null ? "look at the host's runtime log" : f.hint();
    try {
      return switch (f.source() == null ? "" : f.source()) {
        case "attestation" -> new AttestationException(AttestationException.Reason.valueOf(kind), message, hint);
        case "runtime" -> new RuntimeFailure(RuntimeFailure.Kind.valueOf(kind), message, hint);
        case "cas" -> new CasException(f.status(), f.kind(), message, hint);
        case "volume" -> new VolumeException(Failure.valueOf(kind), message, hint);
        case "policy" -> new PolicyException(message, hint);
        case "permissions" -> new PrivateFiles.LoosePermissionsException(message, hint);
        default -> new RuntimeFailure(RuntimeFailure.Kind.INTERNAL, message, hint);
      };
    } catch (IllegalArgumentException unknownKind) {
      return new RuntimeFailure(RuntimeFailure.Kind.INTERNAL, message + " (" + f.source() + " " + f.kind() + ")", hint);
    }
  }
}
