package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.confide.cli.CliFailure;
import org.junit.jupiter.api.Test;

class FrameSpecTest {
  @Test
  void rangesListsAndStepsAsBlenderAndFlamencoWriteThem() {
    assertThat(FrameSpec.parse("1-3")).containsExactly(1, 2, 3);
    assertThat(FrameSpec.parse("1-3,47")).containsExactly(1, 2, 3, 47);
    assertThat(FrameSpec.parse("1-20x5")).containsExactly(1, 6, 11, 16);
    assertThat(FrameSpec.parse("5, 2-3, 3")).containsExactly(2, 3, 5);
    assertThat(FrameSpec.parse("-2--1")).containsExactly(-2, -1);
  }

  @Test
  void anythingElseIsRefusedNamingThePart() {
    for (String bad : new String[] {"", "a", "3-1", "1-10x0", "1x2", "1-", "1,,2", "1-5x"}) {
      assertThatThrownBy(() -> FrameSpec.parse(bad)).as(bad).isInstanceOf(CliFailure.class)
          .hasMessageContaining("--frames " + bad + ": '");
    }
    assertThatThrownBy(() -> FrameSpec.parse("1-200000")).isInstanceOf(CliFailure.class).hasMessageContaining("more than 100000");
  }
}
