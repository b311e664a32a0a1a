package dev.confide.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunCommandTest {
  @Test
  void splitsAtWhiteSpaceAndKeepsQuotedWordsWhole() {
    assertThat(RunCommand.words("  blender -b  -P '/encryptedInputs/my script.py' -- \"a b\"c ''"))
        .containsExactly("blender", "-b", "-P", "/encryptedInputs/my script.py", "--", "a bc", "");
    assertThat(RunCommand.executable("python3 /encryptedInputs/main.py")).isEqualTo("python3");
  }

  @Test
  void shellSyntaxIsJustText() {
    assertThat(RunCommand.words("sh -c $HOME;rm")).isEqualTo(List.of("sh", "-c", "$HOME;rm"));
  }

  @Test
  void unclosedQuoteIsRefused() {
    assertThatThrownBy(() -> RunCommand.words("python3 'main.py")).hasMessageContaining("unclosed ' quote");
  }
}
