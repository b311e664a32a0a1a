package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramProgressTest {
  @Test
  void blendersSampleLinesAndTheStartScriptsFrameLinesBecomeProgressAndNothingElseDoes() {
    List<String> told = new ArrayList<>();
    PhaseClock clock = recording(told);
    long[] now = {0};
    ProgramProgress p = new ProgramProgress(clock, () -> now[0]);
    p.line("Fra:12 Mem:9.50M (Peak 9.75M) | Time:00:00.04 | Mem:0.76M, Peak:0.76M | Scene, ViewLayer | Updating Film");
    p.line(sample(1, 128));
    p.line(sample(1, 128));
    now[0] += PhaseClock.PROGRESS_EVERY_NANOS;
    p.line(sample(16, 128));
    p.line("confide: frame 12 done (3 of 24)");
    p.line("print('confide: frame 1 done (1 of 2)') from a user's script, quoted");
    p.line("Sample 5/10");
    assertThat(told).containsExactly("samples 1/128", "samples 16/128", "frames 3/24");
  }

  @Test
  void betweenAFramesFirstAndLastSampleAtMostOneSampleLineIsToldPer200Milliseconds() {
    List<String> told = new ArrayList<>();
    long[] now = {0};
    ProgramProgress p = new ProgramProgress(recording(told), () -> now[0]);
    for (int frame = 1; frame <= 2; frame++) {
      for (int s = 1; s <= 48; s++) {
        now[0] += PhaseClock.PROGRESS_EVERY_NANOS / 10;
        p.line(sample(s, 48));
      }
    }
    // 20 ms a sample: the first, every tenth after it, and the last of each frame
    assertThat(told).containsExactly("samples 1/48", "samples 11/48", "samples 21/48", "samples 31/48", "samples 41/48",
        "samples 48/48", "samples 1/48", "samples 11/48", "samples 21/48", "samples 31/48", "samples 41/48", "samples 48/48");
  }

  private static PhaseClock recording(List<String> told) {
    return new PhaseClock(new PhaseClock.Listener() {
      @Override
      public void started(String phase) {}

      @Override
      public void ended(String phase, long millis) {}

      @Override
      public void progress(String phase, long bytes, long total) {
        told.add(phase + " " + bytes + "/" + total);
      }
    });
  }

  private static String sample(int n, int of) {
    return "Fra:12 Mem:9.50M (Peak 9.75M) | Time:00:01.20 | Remaining:00:03.10 | Mem:1.2M | Scene, ViewLayer | Sample " + n
        + "/" + of;
  }
}
