package dev.confide.cli;

import dev.confide.volume.Progress;

/**
 * Progress that also stops the work once its command is cancelled (the daemon's client pressed
 * Ctrl-C or went away): the next report throws, and the file shield removes what it had begun on
 * the way out, as it does after any failure. Reports come every segment or file (and checkpoints
 * every file a seal's walk finds), so a cancel takes effect within milliseconds.
 */
public final class CancellableProgress implements Progress {
  private final Progress shown;
  private final Cancellation cancellation;
  private final String command;

  CancellableProgress(Progress shown, Cancellation cancellation, String command) {
    this.shown = shown;
    this.cancellation = cancellation;
    this.command = command;
  }

  @Override
  public void start(String task, long totalBytes) {
    stopIfCancelled();
    shown.start(task, totalBytes);
  }

  @Override
  public void advance(long bytes) {
    stopIfCancelled();
    shown.advance(bytes);
  }

  @Override
  public void finish() {
    shown.finish();
  }

  @Override
  public void checkpoint() {
    stopIfCancelled();
    shown.checkpoint();
  }

  private void stopIfCancelled() {
    if (cancellation.cancelled()) {
      throw new CliFailure(ExitCodes.CANCELLED, "cancelled", "'" + command + "' was cancelled before it finished",
          "nothing half-written is left: what it had begun was removed; run it again to finish");
    }
  }
}
