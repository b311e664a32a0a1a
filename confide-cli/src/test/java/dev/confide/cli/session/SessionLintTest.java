package dev.confide.cli.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide session lint}: every problem of a session file at once, without a CAS, for people and for CI. */
class SessionLintTest {
  @TempDir Path tmp;

  private CliRun lint(String text, String... more) throws Exception {
    Path file = Files.writeString(tmp.resolve("s.yaml"), text);
    String[] args = new String[3 + more.length];
    args[0] = "session";
    args[1] = "lint";
    args[2] = file.toString();
    System.arraycopy(more, 0, args, 3, more.length);
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @Test
  void aBadSessionGetsEveryProblemWithItsPlaceAndFixAndNoCasIsNeeded() throws Exception {
    String text = """
        name: team/app
        services:
          - name: x
            comand: python3 main.py
            environment: {TOKEN: $$SCONE::missing$$}
        volumes:
          - {name: v, update_policy: sometimes}
        """;
    CliRun r = lint(text);
    assertThat(r.code()).isEqualTo(ExitCodes.DATA);
    Path file = tmp.resolve("s.yaml");
    java.util.List<String> lines = r.err().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("confide: " + file + ":3:5: service 'x' has no 'command' (and 3 more problems);"
        + " add 'command: program arguments', or import the service from the session that defines it ('import: SESSION')");
    assertThat(lines.get(1)).startsWith("  " + file + ":4:5: unknown field 'comand' in 'services[0]' (known fields here: ")
        .contains(" command, ", " environment, ");
    assertThat(lines.get(2)).isEqualTo("  " + file + ":5:26: $$SCONE::missing$$ names a secret that 'secrets' does not"
        + " define (define 'missing' under 'secrets' or fix the name)");
    assertThat(lines.get(3)).isEqualTo("  " + file + ":7:30: 'sometimes' is not an update policy (use one of"
        + " [rollback_protected, ephemeral, no_rollback_protection])");
    JsonNode json = new ObjectMapper().readTree(lint(text, "--json").out());
    assertThat(json.get("error").asText()).isEqualTo("invalid_session");
    assertThat(json.get("problems")).hasSize(4);
    assertThat(json.get("problems").get(1).get("line").asInt()).isEqualTo(4);
    assertThat(json.get("problems").get(1).get("message").asText()).isEqualTo("unknown field 'comand' in 'services[0]'");
    assertThat(json.get("unlisted").asInt()).isZero();
  }

  @Test
  void aGoodSessionPrintsItsHash() throws Exception {
    CliRun r = lint("name: team/app\nservices:\n  - {name: x, command: python3 main.py @@1}\n", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("name").asText()).isEqualTo("team/app");
    assertThat(json.get("hash").asText()).matches("[0-9a-f]{64}");
    assertThat(json.get("problems")).isEmpty();
  }

  @Test
  void aSessionKeepingWhatOnlySconeOrSgxCanUseIsValidAndItsNotesSayWhatWillBeRefused() throws Exception {
    String doc = """
        name: team/scone
        services:
          - {name: app, command: python3 main.py, fspf_path: /fs.fspf, fspf_key: %s, fspf_tag: %s,
             attestation: [{mrenclave: [%s]}]}
        security:
          attestation: {tolerate: [hyperthreading], trusted_scone_qe_pubkeys: [%s]}
        """.formatted("ab".repeat(32), "cd".repeat(16), "ef".repeat(32), "12".repeat(32));
    CliRun r = lint(doc);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("has no problems", "note: service 'app': its fspf_tag is a SCONE file shield's",
        "note: security.attestation.trusted_scone_qe_pubkeys: kept for SGX quotes");
    JsonNode json = new ObjectMapper().readTree(lint(doc, "--json").out());
    assertThat(json.get("notes")).hasSize(2);
    assertThat(json.get("notes").get(0).asText()).contains("the CAS refuses to start it");
    // a session that keeps nothing of the kind has no notes
    assertThat(new ObjectMapper().readTree(lint("name: team/app\nservices:\n  - {name: x, command: run}\n", "--json").out())
        .get("notes")).isEmpty();
  }
}
