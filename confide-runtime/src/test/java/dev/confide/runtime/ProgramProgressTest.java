package dev.confide.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgramProgressTest {
  @Test
  void blendersSampleLinesAndTheStartScriptsFrameLinesBecomeProgressAndNothingElseDoes() {
    List<String> told = new ArrayList<>();
    PhaseClock clock = new PhaseClock(new PhaseClock.Listener() {
      @Override
      public void started(String phase) {}

      @Override
      public void ended(String phase, long millis) {}

      @Override
      public void progress(String phase, long bytes, long total) {
        told.add(phase + " " + bytes + "/" + total);
      }
    });
    ProgramProgress p = new ProgramProgress(clock);
    p.line("Fra:12 Mem:9.50M (Peak 9.75M) | Time:00:00.04 | Mem:0.76M, Peak:0.76M | Scene, ViewLayer | Updating Film");
    p.line("Fra:12 Mem:9.50M (Peak 9.75M) | Time:00:01.20 | Remaining:00:03.10 | Mem:1.2M | Scene, ViewLayer | Sample 1/128");
    p.line("Fra:12 Mem:9.50M (Peak 9.75M) | Time:00:01.20 | Remaining:00:03.10 | Mem:1.2M | Scene, ViewLayer | Sample 1/128");
    p.line("Fra:12 Mem:9.50M (Peak 9.75M) | Time:00:01.40 | Remaining:00:02.90 | Mem:1.2M | Scene, ViewLayer | Sample 16/128");
    p.line("confide: frame 12 done (3 of 24)");
    p.line("print('confide: frame 1 done (1 of 2)') from a user's script, quoted");
    p.line("Sample 5/10");
    assertThat(told).containsExactly("samples 1/128", "samples 16/128", "frames 3/24");
  }
}
