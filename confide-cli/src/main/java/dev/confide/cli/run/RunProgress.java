package dev.confide.cli.run;

import dev.confide.runtime.ConfidentialRun;
import dev.confide.runtime.PhaseClock;
import dev.confide.runtime.ProgramProgress;
import dev.confide.runtime.events.RunEvent;
import dev.confide.runtime.events.RunEventCodec;
import dev.confide.volume.Progress;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How a run's phases reach the user, the host's runtime's among them: for people, one line as
 * each long phase starts and a progress bar for the bytes of opening and sealing volumes (at a
 * terminal), and a render's frames and samples ({@link RenderStatus}); with {@code --json}, every phase and progress event as one JSON line on standard
 * error (the run events of docs/runtime.md), standard output keeping the final report.
 */
final class RunProgress implements PhaseClock.Listener {
  /** What the user is told as each phase starts (the others are too short to mention). */
  private static final Map<String, String> TOLD = Map.of(
      "seal inputs", "sealing the inputs",
      "upload inputs", "uploading the sealed inputs",
      "download outputs", "downloading the sealed outputs",
      "attest", "attesting to the CAS",
      "program", "running the program in the sandbox (its output goes to " + ConfidentialRun.LOG_NAME + ")",
      "seal+swap", "sealing the outputs and committing their tag",
      "unseal", "unsealing the outputs");

  private final PrintWriter err;
  private final boolean json;
  private final Progress bar;
  private final RunEventCodec codec = new RunEventCodec();
  private final Set<String> told = new HashSet<>();
  private final RenderStatus render;
  private String barPhase;
  private long barBytes;

  /**
   * {@code bar}: where byte progress is drawn (nothing, when not at a terminal); {@code terminal}: a
   * render's status is one line kept up to date.
   */
  RunProgress(PrintWriter err, boolean json, Progress bar, boolean terminal) {
    this.err = err;
    this.json = json;
    this.bar = bar;
    this.render = new RenderStatus(err, terminal);
  }

  @Override
  public synchronized void started(String phase) {
    if (json) {
      event(new RunEvent.PhaseStarted(phase));
      return;
    }
    String what = TOLD.get(phase);
    if (what != null && told.add(phase)) {
      err.println("confide: " + what + " ...");
      err.flush();
    }
  }

  @Override
  public synchronized void ended(String phase, long millis) {
    if (json) {
      event(new RunEvent.PhaseEnded(phase, millis));
    } else if (phase.equals("program")) {
      render.end();
    } else if (phase.equals(barPhase)) {
      bar.finish();
      barPhase = null;
    }
  }

  @Override
  public synchronized void progress(String phase, long bytes, long total) {
    if (json) {
      event(new RunEvent.Progress(phase, bytes, total));
      return;
    }
    // a render's frames and samples (the runtime reads them from the program's output)
    if (phase.equals(ProgramProgress.FRAMES)) {
      render.frames(bytes, total);
      return;
    }
    if (phase.equals(ProgramProgress.SAMPLES)) {
      render.samples(bytes, total);
      return;
    }
    if (!phase.equals(barPhase) || bytes < barBytes) {
      if (barPhase != null) {
        bar.finish();
      }
      barPhase = phase;
      barBytes = 0;
      bar.start(TOLD.getOrDefault(phase, phase), total);
    }
    bar.advance(bytes - barBytes);
    barBytes = bytes;
  }

  private void event(RunEvent e) {
    err.println(codec.encode(e));
    err.flush();
  }
}
