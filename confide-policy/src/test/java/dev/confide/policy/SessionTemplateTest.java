package dev.confide.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionTemplateTest {
  @Test
  void fillsBothSpellingsAndKeepsSecretPlaceholders() throws Exception {
    String filled = SessionTemplate.fill("t.yaml",
        "name: $NS/${SESSION}-x\ncommand: run $$CONFIDE::token$$ costs $$5\n",
        Map.of("NS", "team", "SESSION", "render"));
    assertThat(filled).isEqualTo("name: team/render-x\ncommand: run $$CONFIDE::token$$ costs $5\n");
  }

  @Test
  void anUnfilledVariableIsNamedWithItsLine() {
    assertThatThrownBy(() -> SessionTemplate.fill("t.yaml", "name: a/b\nmrenclave: [$MRENCLAVE]\nkey: ${KEY}\n", Map.of()))
        .isInstanceOf(PolicyException.class)
        .hasMessage("t.yaml:2: template variables MRENCLAVE, KEY are not filled")
        .extracting(e -> ((PolicyException) e).hint()).isEqualTo("give -e MRENCLAVE=VALUE -e KEY=VALUE");
  }

  @Test
  void aValueWithALineBreakIsRefused() {
    assertThatThrownBy(() -> SessionTemplate.fill("t.yaml", "name: $N\n", Map.of("N", "a\nb: c")))
        .isInstanceOf(PolicyException.class).hasMessage("the value of N contains a line break");
  }

  @Test
  void anUnclosedBraceIsRefused() {
    assertThatThrownBy(() -> SessionTemplate.fill("t.yaml", "name: ${N\n", Map.of("N", "x")))
        .isInstanceOf(PolicyException.class).hasMessage("t.yaml:1: '${' without a closing '}'");
  }
}
