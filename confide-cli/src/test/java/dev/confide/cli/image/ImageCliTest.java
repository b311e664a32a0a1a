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

  /** The demo writes its image with Confide's own writers and converts it: /app sealed, the keys only in the 0600 policy. */
  @Test
  void theDemoConvertsItsOwnImage() throws Exception {
    Path kept = tmp.resolve("demo");
    CliRun r = run("image", "demo", "--keep", kept.toString(), "--runtime", ImageRunCliTest.runtime().toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"/app encrypted (encrypted-app)\"").contains("\"/usr authenticated\"")
        .contains("\"/data volume (data)\"");
    assertThat(Files.getPosixFilePermissions(kept.resolve("policy.yaml")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(kept.resolve("chart/demo/Chart.yaml")).isRegularFile();
    dev.confide.image.ImageInspection inspected = dev.confide.image.ImageInspection.of(kept.resolve("demo.tar"));
    assertThat(inspected.converted()).isTrue();
    assertThat(inspected.command()).isEqualTo(dev.confide.image.DemoImage.COMMAND);
    // the message the program prints is sealed: in no layer of the converted image
    byte[] image = Files.readAllBytes(kept.resolve("demo.tar"));
    assertThat(new String(image, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("Hello from the application's encrypted folder")
        .contains("cat /app/message.txt");
  }

  @Test
  void theDemoRefusesAFolderThatHoldsSomething() throws Exception {
    Path kept = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(kept.resolve("mine.txt"), "keep me");
    CliRun r = run("image", "demo", "--keep", kept.toString());
    assertThat(r.code()).isEqualTo(73);
    assertThat(r.err()).isEqualTo("confide: --keep " + kept + " is not empty; name a new or empty folder\n");
    try (var left = Files.list(kept)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("mine.txt");
    }
  }

  @Test
  void inspectingSomethingThatIsNoImageIsBadData() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
    CliRun r = run("image", "inspect", text.toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err()).startsWith("confide: " + text + " is not a container image tarball");
  }
}
