package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.cas.common.TlsIdentity;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import dev.confide.cli.cas.EmbeddedCas;
import dev.confide.testing.TreeCopies;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counter example the way its session file describes, with the commands a user types: seal
 * the code, measure the engine, create the session from the template, and run the runtime three
 * times — it counts 0, 1, 2; a rolled-back V1 is then refused with exit 80.
 */
class CounterCliTest {
  @TempDir Path tmp;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  private JsonNode json(String... args) throws Exception {
    CliRun r = confide(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    return r.json();
  }

  @Test
  void theCounterCountsAcrossRunsAndARollbackIsRefused() throws Exception {
    json("identity", "create", "--json");
    String hostKey = json("host", "init", "--json").get("key_hash").asText();
    ConfideDirs casDirs = new ConfideDirs(tmp.resolve("cas-config"), tmp.resolve("cas-data"));
    try (EmbeddedCas cas = EmbeddedCas.start(casDirs, TlsIdentity.load(tmp.resolve("config/identity")))) {
      json("cas", "add", "main", cas.url(), "--fingerprint", cas.fingerprint(), "--json");
      json("host", "trust", hostKey, "--json");
      Path example = RunApplicationTest.EXAMPLES.resolve("python/counter");
      JsonNode sealed = json("volume", "seal", example.toString(), tmp.resolve("code").toString(),
          "--key-out", tmp.resolve("code.key").toString(), "--json");
      JsonNode measured = json("measure", "--json", "--", "/usr/bin/python3");
      json("session", "create", example.resolve("session.yaml").toString(), "-e", "SESSION=counter",
          "-e", "CODE_KEY=" + Files.readString(tmp.resolve("code.key")).strip(), "-e", "CODE_TAG=" + sealed.get("tag").asText(),
          "-e", "MEASUREMENT=" + measured.get("measurement").asText(), "--json");
      String[] run = {"runtime", "run", "--cas", cas.url(), "--cas-fingerprint", cas.fingerprint(), "--session", "counter",
          "--service", "counter", "--volume", "code=" + tmp.resolve("code"), "--volume", "V1=" + tmp.resolve("v1"),
          "--stream-output"};
      for (int i = 0; i < 3; i++) {
        CliRun r = confide(run);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("The number of executions is " + i);
        if (i == 0) {
          TreeCopies.copy(tmp.resolve("v1"), tmp.resolve("v1-after-first"));
        }
      }
      TreeCopies.replace(tmp.resolve("v1"), tmp.resolve("v1-after-first"));
      CliRun rolledBack = confide(run);
      assertThat(rolledBack.code()).isEqualTo(ExitCodes.INTEGRITY);
      assertThat(rolledBack.err()).contains("volume V1").contains("rolled back");
    }
  }
}
