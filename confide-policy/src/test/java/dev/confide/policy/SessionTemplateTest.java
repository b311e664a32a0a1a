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

  @Test
  void variablesNamedOnlyInCommentsAreNeitherFilledNorDemanded() throws Exception {
    String text = """
        # create with: confide session create -e NS=team $FILE
        name: $NS/app   # $NS is the team's namespace
        services:
          - name: x
            command: "run # not a comment: $ARG"
            environment: {A: 'it''s # $ARG too'}
        images:
          - name: i
            injection_files:
              - path: /etc-app/run.sh
                content: |
                  # a script's comment is the file's text: $ARG
                  echo $$HOME
        """;
    assertThat(SessionTemplate.fill("t.yaml", text, Map.of("NS", "team", "ARG", "v"))).isEqualTo("""
        # create with: confide session create -e NS=team $FILE
        name: team/app   # $NS is the team's namespace
        services:
          - name: x
            command: "run # not a comment: v"
            environment: {A: 'it''s # v too'}
        images:
          - name: i
            injection_files:
              - path: /etc-app/run.sh
                content: |
                  # a script's comment is the file's text: v
                  echo $HOME
        """);
    assertThatThrownBy(() -> SessionTemplate.fill("t.yaml", text, Map.of("NS", "team")))
        .isInstanceOf(PolicyException.class).hasMessage("t.yaml:5: template variable ARG is not filled");
  }
}
