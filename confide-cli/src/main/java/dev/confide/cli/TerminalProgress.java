package dev.confide.cli;

import dev.confide.volume.Progress;
import java.io.PrintWriter;

/** A one-line progress display, redrawn at most every 200 ms, erased when done. */
final class TerminalProgress implements Progress {
  private final PrintWriter err;
  private String task = "";
  private long total;
  private long done;
  private long lastDraw;
  private long started;

  TerminalProgress(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void start(String task, long totalBytes) {
    this.task = task;
    this.total = Math.max(totalBytes, 1);
    this.done = 0;
    this.started = System.nanoTime();
    this.lastDraw = 0;
  }

  @Override
  public void advance(long bytes) {
    done += bytes;
    long now = System.nanoTime();
    if (now - lastDraw > 200_000_000L && now - started > 500_000_000L) {
      lastDraw = now;
      double seconds = (now - started) / 1e9;
      err.printf("\r%s %3d%%  %,d / %,d MiB  %.0f MiB/s ", task, 100 * done / total, done >> 20, total >> 20,
          (done >> 20) / Math.max(seconds, 1e-3));
      err.flush();
    }
  }

  @Override
  public void finish() {
    if (lastDraw != 0) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
