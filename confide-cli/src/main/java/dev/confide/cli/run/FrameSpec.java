package dev.confide.cli.run;

import dev.confide.cli.CliFailure;
import dev.confide.cli.ExitCodes;
import java.util.List;
import java.util.TreeSet;

/**
 * The frames of a render as Blender and Flamenco users write them: comma-separated parts, each a
 * frame ({@code 47}), a range ({@code 1-240}, both ends included) or a range with a step
 * ({@code 1-100x5}: 1, 6, ..., 96). The frames come out sorted, each once.
 */
final class FrameSpec {
  /** The most frames one run renders. */
  static final int MAX_FRAMES = 100_000;

  private FrameSpec() {}

  /** The frames {@code spec} names; a spec that is not one is a usage error naming the part. */
  static List<Integer> parse(String spec) {
    TreeSet<Integer> frames = new TreeSet<>();
    for (String raw : spec.split(",", -1)) {
      String part = raw.strip();
      try {
        int step = 1;
        int x = part.indexOf('x');
        String range = part;
        if (x >= 0) {
          step = Integer.parseInt(part.substring(x + 1));
          range = part.substring(0, x);
        }
        int dash = range.indexOf('-', 1);
        int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
        int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
        if (step < 1 || last < first || (x >= 0 && dash < 0)) {
          throw new NumberFormatException();
        }
        for (long f = first; f <= last; f += step) {
          frames.add((int) f);
          if (frames.size() > MAX_FRAMES) {
            throw new CliFailure(ExitCodes.USAGE, "too_many_frames", "--frames " + spec + " names more than " + MAX_FRAMES
                + " frames", "render them in several runs");
          }
        }
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        throw new CliFailure(ExitCodes.USAGE, "bad_frames", "--frames " + spec + ": '" + part + "' is not a frame, a range"
            + " FIRST-LAST or a range with a step FIRST-LASTxSTEP", "write it like 1-240, 1-30,47 or 1-100x5");
      }
    }
    return List.copyOf(frames);
  }
}
