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

  /**
   * What the user is told: one line and its hint; for a refused session every other problem too
   * ({@code problems}, sorted, the first being the line's), and how many more were not listed.
   */
  record Report(int exitCode, String error, String message, String hint, java.util.List<dev.confide.policy.PolicyProblem> problems,
      int unlisted) {
    Report(int exitCode, String error, String message, String hint) {
      this(exitCode, error, message, hint, java.util.List.of(), 0);
    }

    /** The lines under the first: each further problem with its hint, and the count of those not listed. */
    java.util.List<String> details() {
      java.util.List<String> lines = new java.util.ArrayList<>();
      for (dev.confide.policy.PolicyProblem p : problems.subList(Math.min(1, problems.size()), problems.size())) {
        lines.add("  " + p + " (" + p.hint() + ")");
      }
      if (unlisted > 0) {
        lines.add("  ... and " + unlisted + " more");
      }
      return lines;
    }

    /** The problems as JSON objects: file, line, column (absent when the whole text is wrong), message, hint. */
    java.util.List<java.util.Map<String, Object>> problemsJson() {
      return problems.stream().map(p -> p.where() == null ? Output.fields("message", p.message(), "hint", p.hint())
          : Output.fields("file", p.where().source(), "line", p.where().line(), "column", p.where().column(),
              "message", p.message(), "hint", p.hint())).toList();
    }
  }

  /** The report for {@code e}, or null when it is a bug (internal error). */
  static Report of(Throwable e) {
    if (e instanceof CliFailure f) {
      return new Report(f.exitCode(), f.error(), f.getMessage(), f.hint());
    }
    if (e instanceof dev.confide.image.ImageException i) {
      return new Report(i.exitCode(), i.error(), i.getMessage(), i.hint());
    }
    if (e instanceof dev.confide.policy.PolicyException p) {
      return new Report(ExitCodes.DATA, "invalid_session", p.getMessage(), p.hint(), p.problems(), p.unlisted());
    }
    if (e instanceof JobException j) {
      return new Report(j.exitCode(), j.error(), j.getMessage(), j.hint());
    }
    RunFailures.Report r = RunFailures.report(e);
    return r == null ? null : new Report(r.exitCode(), r.error(), r.message(), r.hint());
  }

}
