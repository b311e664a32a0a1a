package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide host init} and {@code confide measure}. */
class AttestCliTest {
  @TempDir Path tmp;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @Test
  void hostInitCreatesAPrivateKeyOnce() throws Exception {
    CliRun first = confide("host", "init");
    assertThat(first.code()).as(first.err()).isZero();
    Path key = tmp.resolve("data/host/host-key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    CliRun again = confide("host", "init");
    assertThat(again.code()).isEqualTo(ExitCodes.CANT_CREATE);
    assertThat(again.err()).contains("already has a key").contains("--force");
    assertThat(confide("host", "init", "--force").code()).isZero();
  }

  @Test
  void measureFollowsTheExecutableAndChangesWhenItIsReplaced() throws Exception {
    Path tool = Files.writeString(tmp.resolve("tool"), "#!/bin/sh\necho one\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    JsonNode before = confide("measure", "--json", "--", tool.toString(), "arg").json();
    assertThat(before.get("executable").asText()).isEqualTo(tool.toRealPath().toString());
    assertThat(before.get("measurement").asText()).hasSize(64);
    Files.writeString(tool, "#!/bin/sh\necho two\n");
    JsonNode after = confide("measure", "--json", "--", tool.toString()).json();
    assertThat(after.get("measurement").asText()).isNotEqualTo(before.get("measurement").asText());
    assertThat(after.get("runtime_digest")).isEqualTo(before.get("runtime_digest"));
    CliRun missing = confide("measure", "--", tmp.resolve("gone").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err()).contains("is not an executable file");
  }
}
