package dev.confide.cli.run;

import java.io.PrintWriter;

/**
 * A render's progress as the runtime reports it (frames done of all, the current frame's samples),
 * shown to people: at a terminal one line kept up to date — frames done, the current frame's
 * samples, elapsed time and an estimate of what is left; elsewhere one line per frame done.
 */
final class RenderStatus {
  /** The least time between two updates of the terminal line. */
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private long framesDone;
  private long framesTotal;
  private long sample;
  private long samples;
  private long drawn;
  private boolean open;

  RenderStatus(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  void frames(long done, long total) {
    framesDone = done;
    framesTotal = total;
    sample = 0;
    if (terminal) {
      draw(true);
    } else {
      err.println("confide: " + line());
      err.flush();
    }
  }

  void samples(long current, long of) {
    sample = current;
    samples = of;
    if (terminal) {
      draw(false);
    }
  }

  /** The program ended: the terminal line is closed. */
  void end() {
    if (open) {
      err.println();
      err.flush();
      open = false;
    }
  }

  private void draw(boolean always) {
    long now = System.nanoTime();
    if (!always && now - drawn < REDRAW_NANOS) {
      return;
    }
    drawn = now;
    err.print("\r\033[Kconfide: " + line());
    err.flush();
    open = true;
  }

  /** What the user reads, as {@code frames 3 of 24 done, frame 4: sample 40 of 128, 0:41 elapsed, about 4:29 left}. */
  String line() {
    StringBuilder s = new StringBuilder();
    if (framesTotal > 0) {
      s.append("frames ").append(framesDone).append(" of ").append(framesTotal).append(" done");
    } else {
      s.append("rendering");
    }
    if (samples > 0 && sample > 0 && (framesTotal == 0 || framesDone < framesTotal)) {
      s.append(", sample ").append(sample).append(" of ").append(samples);
    }
    long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
    s.append(", ").append(clock(elapsed)).append(" elapsed");
    if (framesTotal > 0 && framesDone > 0 && framesDone < framesTotal) {
      double perFrame = (double) elapsed / (framesDone + (samples > 0 ? (double) sample / samples : 0));
      long left = Math.round(perFrame * (framesTotal - framesDone) - (samples > 0 ? perFrame * sample / samples : 0));
      s.append(", about ").append(clock(Math.max(0, left))).append(" left");
    }
    return s.toString();
  }

  private static String clock(long seconds) {
    return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
