package dev.confide.cli;

import dev.confide.remote.JobException;
import dev.confide.runtime.events.RunFailures;

/**
 * Turns every exception a user can cause into one line, a hint and a documented exit code: the
 * CLI's own failures here, those of the runtime and the libraries it shares with the CLI in
 * {@link RunFailures}, so that a run ends the same whichever process it failed in.
 */
public final class Failures {
  private Failures() {}

  /** What the user is told. */
  record Report(int exitCode, String error, String message, String hint) {}

  /** The report for {@code e}, or null when it is a bug (internal error). */
  static Report of(Throwable e) {
    if (e instanceof CliFailure f) {
      return new Report(f.exitCode(), f.error(), f.getMessage(), f.hint());
    }
    if (e instanceof dev.confide.image.ImageException i) {
      return new Report(i.exitCode(), i.error(), i.getMessage(), i.hint());
    }
    if (e instanceof JobException j) {
      return new Report(j.exitCode(), j.error(), j.getMessage(), j.hint());
    }
    RunFailures.Report r = RunFailures.report(e);
    return r == null ? null : new Report(r.exitCode(), r.error(), r.message(), r.hint());
  }

}
