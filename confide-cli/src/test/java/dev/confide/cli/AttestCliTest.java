package dev.confide.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code confide host init} and {@code confide measure}. */
class AttestCliTest {
  @TempDir Path tmp;

  private record Result(int code, String out, String err) {}

  private Result confide(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
        new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void hostInitCreatesAPrivateKeyOnce() throws Exception {
    Result first = confide("host", "init");
    assertThat(first.code()).as(first.err()).isZero();
    Path key = tmp.resolve("data/host/host-key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    Result again = confide("host", "init");
    assertThat(again.code()).isEqualTo(ExitCodes.CANT_CREATE);
    assertThat(again.err()).contains("already has a key").contains("--force");
    assertThat(confide("host", "init", "--force").code()).isZero();
  }

  @Test
  void measureFollowsTheExecutableAndChangesWhenItIsReplaced() throws Exception {
    Path tool = Files.writeString(tmp.resolve("tool"), "#!/bin/sh\necho one\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    JsonNode before = new ObjectMapper().readTree(confide("measure", "--json", "--", tool.toString(), "arg").out());
    assertThat(before.get("executable").asText()).isEqualTo(tool.toRealPath().toString());
    assertThat(before.get("measurement").asText()).hasSize(64);
    Files.writeString(tool, "#!/bin/sh\necho two\n");
    JsonNode after = new ObjectMapper().readTree(confide("measure", "--json", "--", tool.toString()).out());
    assertThat(after.get("measurement").asText()).isNotEqualTo(before.get("measurement").asText());
    assertThat(after.get("runtime_digest")).isEqualTo(before.get("runtime_digest"));
    Result missing = confide("measure", "--", tmp.resolve("gone").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err()).contains("is not an executable file");
  }
}
