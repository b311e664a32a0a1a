package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Blender example rendered confidentially (Debian's blender in the sandbox) and natively: the
 * two images are the same, pixel for pixel. Smaller than the example's default, to keep the suite quick.
 */
class BlenderRunTest {
  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void theConfidentialRenderEqualsTheNativeOnePixelForPixel() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.copy(RunApplicationTest.EXAMPLES.resolve("blender/simple_sphere/main.py"), inputs.resolve("main.py"));
    Files.writeString(inputs.resolve("render.json"), "{\"width\": 160, \"height\": 120, \"samples\": 8}\n");

    Path out = tmp.resolve("out");
    CliRun run = CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")),
        "run", "--host", "local", "--application", "blender", "--inputs", inputs.toString(), "--outputs", out.toString());
    assertThat(run.code()).as(run.err() + "\n" + run.out()).isZero();
    assertThat(Files.readString(out.resolve("confide-run.log"))).contains("rendered /encryptedOutputs/simple_sphere.png 160x120");

    Path nativeOut = Files.createDirectories(tmp.resolve("native"));
    Process blender = new ProcessBuilder(List.of("blender", "-b", "--factory-startup", "-noaudio", "-P",
        inputs.resolve("main.py").toString(), "--", nativeOut.toString())).redirectErrorStream(true).start();
    String log = new String(blender.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(blender.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(blender.exitValue()).as(log).isZero();

    BufferedImage confidential = ImageIO.read(out.resolve("simple_sphere.png").toFile());
    BufferedImage reference = ImageIO.read(nativeOut.resolve("simple_sphere.png").toFile());
    assertThat(confidential.getWidth()).isEqualTo(160);
    assertThat(confidential.getHeight()).isEqualTo(120);
    assertThat(reference.getWidth()).isEqualTo(160);
    assertThat(reference.getHeight()).isEqualTo(120);
    int differing = 0;
    long sum = 0;
    for (int y = 0; y < 120; y++) {
      for (int x = 0; x < 160; x++) {
        int a = confidential.getRGB(x, y);
        sum += a & 0xffffff;
        if (a != reference.getRGB(x, y)) {
          differing++;
        }
      }
    }
    assertThat(differing).as("pixels that differ").isZero();
    assertThat(sum).as("the image is not blank").isGreaterThan(0);
  }

  @Test
  @Timeout(300)
  void aScriptThatRaisesFailsTheRunWithTheReasonShown() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(inputs.resolve("main.py"), "import bpy\nraise RuntimeError('the scene has no camera')\n");
    Path out = tmp.resolve("out");
    CliRun run = CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")),
        "run", "--application", "blender", "--inputs", inputs.toString(), "--outputs", out.toString());
    // Blender itself exits 0 after a failed script; the application asks for --python-exit-code
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("confide: the program failed (exit code 1)")
        .contains("RuntimeError: the scene has no camera").contains(out.resolve("confide-run.log").toString());
  }
}
