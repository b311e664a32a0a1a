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
    store.record(host, application, new HostMeasurements.Confirmed(reported.executable().toString(), reported.executableDigest()));
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
      if (c.sha256().equals(reported.executableDigest()) && c.executable().equals(executable)) {
        return;
      }
      throw new JobException(ExitCodes.INTEGRITY, "program_changed", host + " now runs " + application + " as " + executable
          + " (sha256 " + reported.executableDigest() + "), not the program you confirmed there (" + c.executable() + ", sha256 "
          + c.sha256() + ")", "if the host's operator changed it on purpose, confirm the new one with 'confide host check "
          + host + " --confirm " + application + "'");
    }
    if (!approval.confirm(host, application, reported)) {
      throw new JobException(ExitCodes.DENIED, "program_unconfirmed", "nobody confirmed the program " + host + " runs "
          + application + " as (" + executable + ", sha256 " + reported.executableDigest() + ")",
          "compare it with the host's operator, then run 'confide host check " + host + " --confirm " + application + "'");
    }
    confirm(host, application, reported);
  }
}
