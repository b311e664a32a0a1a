package dev.confide.cli;

import dev.confide.volume.Progress;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A one-line progress display, redrawn at most every 200 ms and only after the first 500 ms, erased
 * when done. Before the work knows its total (a seal walking its source), the line says so.
 */
public final class TerminalProgress implements Progress {
  /** Back to the start of the line and clear it: where a bar was drawn, the next line starts clean. */
  static final String ERASE_LINE = "\r\033[K";
  private static final long FIRST_DRAW = 500_000_000L;
  private static final long REDRAW = 200_000_000L;
  private final PrintWriter err;
  private final LongSupplier nanoTime;
  private String task = "";
  private long total;
  private long done;
  private long lastDraw;
  private long started;
  private boolean running;
  private long walkingSince = -1;

  TerminalProgress(PrintWriter err) {
    this(err, System::nanoTime);
  }

  TerminalProgress(PrintWriter err, LongSupplier nanoTime) {
    this.err = err;
    this.nanoTime = nanoTime;
  }

  @Override
  public void start(String task, long totalBytes) {
    erase();
    this.task = task;
    this.total = Math.max(totalBytes, 1);
    this.done = 0;
    this.started = nanoTime.getAsLong();
    this.running = true;
  }

  @Override
  public void advance(long bytes) {
    done += bytes;
    long now = nanoTime.getAsLong();
    if (now - lastDraw > REDRAW && now - started > FIRST_DRAW) {
      lastDraw = now;
      double seconds = (now - started) / 1e9;
      err.printf("\r%s %3d%%  %,d / %,d MiB  %.0f MiB/s ", task, 100 * done / total, done >> 20, total >> 20,
          (done >> 20) / Math.max(seconds, 1e-3));
      err.flush();
    }
  }

  /** Before a start: the work is still finding out how much there is (a seal walking its source). */
  @Override
  public void checkpoint() {
    if (running) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (walkingSince < 0) {
      walkingSince = now;
    } else if (now - walkingSince > FIRST_DRAW && now - lastDraw > REDRAW) {
      lastDraw = now;
      err.printf("\rreading the source tree  %.0f s ", (now - walkingSince) / 1e9);
      err.flush();
    }
  }

  @Override
  public void finish() {
    erase();
  }

  private void erase() {
    if (lastDraw != 0) {
      err.print(ERASE_LINE);
      err.flush();
      lastDraw = 0;
    }
  }
}
