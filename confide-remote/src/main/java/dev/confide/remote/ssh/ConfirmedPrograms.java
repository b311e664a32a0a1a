package dev.confide.remote.ssh;

import dev.confide.attest.Measurement;
import dev.confide.remote.JobException;
import dev.confide.runtime.ExitCodes;
import java.io.IOException;

/**
 * The check of a program a remote host reports for an application against the one the user
 * confirmed there ({@link HostMeasurements}): the same passes, another is refused with both
 * values, a first one is put to {@link ProgramApproval} and recorded once confirmed.
 */
public final class ConfirmedPrograms {
  private final HostMeasurements store;
  private final ProgramApproval approval;

  public ConfirmedPrograms(HostMeasurements store, ProgramApproval approval) {
    this.store = store;
    this.approval = approval;
  }

  /** Records {@code reported} as the program the user confirmed for {@code application} on {@code host}, replacing any other. */
  public void confirm(String host, String application, Measurement reported) throws IOException {
    java.util.Map<String, String> trees = new java.util.TreeMap<>();
    reported.trees().forEach(t -> trees.put(t.path(), t.digest()));
    store.record(host, application, new HostMeasurements.Confirmed(reported.executable().toString(), reported.executableDigest(),
        trees));
  }

  /** The store of what was confirmed. */
  public HostMeasurements store() {
    return store;
  }

  /** What was confirmed, if anything. */
  public java.util.Optional<HostMeasurements.Confirmed> confirmed(String host, String application) throws IOException {
    return store.find(host, application);
  }

  /** Returns quietly when {@code reported} is the program confirmed for {@code application} on {@code host}. */
  public void check(String host, String application, Measurement reported) throws IOException {
    var confirmed = store.find(host, application);
    String executable = reported.executable().toString();
    if (confirmed.isPresent()) {
      HostMeasurements.Confirmed c = confirmed.get();
      if (c.matches(reported)) {
        return;
      }
      java.util.Set<String> paths = new java.util.TreeSet<>();
      reported.trees().forEach(t -> paths.add(t.path()));
      boolean newTrees = !c.trees().keySet().equals(paths) && c.sha256().equals(reported.executableDigest())
          && c.executable().equals(executable);
      if (newTrees) {
        // the same program, now measured with other folders (a newer application definition): asked as a first one
        ask(host, application, reported);
        return;
      }
      throw new JobException(ExitCodes.INTEGRITY, "program_changed", host + " now runs " + application + " as " + executable
          + " (sha256 " + reported.executableDigest() + described(reported.trees()) + "), not the program you confirmed there ("
          + c.executable() + ", sha256 " + c.sha256() + described(c.measurement(reported.runtimeDigest()).trees()) + ")", "if the host's operator changed it on purpose, confirm the new one with 'confide host check "
          + host + " --confirm " + application + "'");
    }
    ask(host, application, reported);
  }

  private void ask(String host, String application, Measurement reported) throws IOException {
    String executable = reported.executable().toString();
    if (!approval.confirm(host, application, reported)) {
      throw new JobException(ExitCodes.DENIED, "program_unconfirmed", "nobody confirmed the program " + host + " runs "
          + application + " as (" + executable + ", sha256 " + reported.executableDigest() + ")",
          "compare it with the host's operator, then run 'confide host check " + host + " --confirm " + application + "'");
    }
    confirm(host, application, reported);
  }

  /** The trees of a measurement, as a clause of a sentence (empty without trees). */
  static String described(java.util.List<dev.confide.attest.MeasuredTree> trees) {
    StringBuilder out = new StringBuilder();
    trees.forEach(t -> out.append("; tree ").append(t.path()).append(" sha256 ").append(t.digest()));
    return out.toString();
  }
}
