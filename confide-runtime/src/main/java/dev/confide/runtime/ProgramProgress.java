package dev.confide.runtime;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a program's output lines for signs of progress and passes them on as progress events
 * (phase {@link #FRAMES}: frames done of all; phase {@link #SAMPLES}: the current frame's samples):
 * Blender's own render lines ({@code Fra:12 ... | Sample 40/128}) and the line Blender's start
 * script prints after each frame ({@code confide: frame 12 done (3 of 24)}). Any other line is
 * none of its business. The lines themselves stay in the program's log. A frame's samples are told
 * at its first and last sample and at most every 200 ms between: Blender prints a line per sample,
 * and each told one crosses three processes while Blender wants both cores.
 */
public final class ProgramProgress {
  /** The phase whose progress counts frames. */
  public static final String FRAMES = "frames";
  /** The phase whose progress counts the current frame's samples. */
  public static final String SAMPLES = "samples";

  private static final Pattern FRAME_DONE = Pattern.compile("^confide: frame (-?\\d+) done \\((\\d+) of (\\d+)\\)$");
  private static final Pattern SAMPLE = Pattern.compile("^Fra:(-?\\d+) .*\\| Sample (\\d+)/(\\d+)");

  private final PhaseClock clock;
  private final java.util.function.LongSupplier nanoTime;
  private long lastSample = -1;
  private long toldAt;

  ProgramProgress(PhaseClock clock) {
    this(clock, System::nanoTime);
  }

  ProgramProgress(PhaseClock clock, java.util.function.LongSupplier nanoTime) {
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** One line of the program's output, without its end. */
  void line(String line) {
    Matcher m = FRAME_DONE.matcher(line);
    if (m.find()) {
      clock.progressed(FRAMES, Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
      lastSample = -1;
      return;
    }
    m = SAMPLE.matcher(line);
    if (m.find()) {
      long sample = Long.parseLong(m.group(2));
      long total = Long.parseLong(m.group(3));
      long now = nanoTime.getAsLong();
      boolean edge = lastSample < 0 || sample < lastSample || sample == total;
      if (sample != lastSample && (edge || now - toldAt >= PhaseClock.PROGRESS_EVERY_NANOS)) {
        lastSample = sample;
        toldAt = now;
        clock.progressed(SAMPLES, sample, total);
      }
    }
  }
}
