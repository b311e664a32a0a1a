package dev.confide.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'confide image' from the command line: a refusal is one line with its exit code, in JSON too. */
class ImageCliTest {
  @TempDir Path tmp;

  CliRun run(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  @Test
  void aMissingImageIsOneLineWithExit66() {
    Path missing = tmp.resolve("missing.tar");
    CliRun r = run("image", "convert", "--from", missing.toString(), "--to", tmp.resolve("out.tar").toString(), "--name", "counter",
        "--command", "python3 /code/counter.py", "--runtime", tmp.toString());
    assertThat(r.code()).isEqualTo(66);
    assertThat(r.err()).isEqualTo("confide: " + missing + " does not exist; give the image tarball ('podman save -o FILE IMAGE' makes one)\n");
    assertThat(tmp.resolve("out.tar")).doesNotExist();
    assertThat(tmp.resolve("policy.yaml")).doesNotExist();
  }

  @Test
  void aBadNameIsAUsageErrorAlsoInJson() {
    CliRun r = run("image", "convert", "--from", tmp.toString(), "--to", tmp.resolve("out.tar").toString(), "--name", "Bad_Name",
        "--command", "true", "--runtime", tmp.toString(), "--json");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.out()).contains("\"error\":\"usage\"").contains("--name 'Bad_Name' is not a valid Kubernetes name")
        .contains("\"exit_code\":64");
  }

  @Test
  void inspectingSomethingThatIsNoImageIsBadData() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
    CliRun r = run("image", "inspect", text.toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err()).startsWith("confide: " + text + " is not a container image tarball");
  }
}
