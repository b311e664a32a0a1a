package dev.confide.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.confide.cli.CliRun;
import dev.confide.cli.ConfideDirs;
import dev.confide.cli.ExitCodes;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blender as its users work, with Debian's blender: a {@code .blend} scene made by the test with
 * Blender itself (a texture in a subfolder, linked by a relative path; three frames) rendered with
 * {@code --scene} and {@code --frames}, pixel for pixel as natively; a scene that asks for the
 * denoiser Debian's Blender lacks; a script of a collection run unmodified, importing its sibling.
 */
class BlenderSceneTest {
  @TempDir Path tmp;

  private CliRun confide(String... args) {
    return CliRun.of(new ConfideDirs(tmp.resolve("config"), tmp.resolve("data")), args);
  }

  /** The test scene in {@code dir}, made by Blender from the test's make_scene.py. */
  private Path scene(Path dir, boolean denoise) throws Exception {
    Path maker = tmp.resolve("make_scene.py");
    try (var in = BlenderSceneTest.class.getResourceAsStream("/blender/make_scene.py")) {
      Files.write(maker, in.readAllBytes());
    }
    List<String> cmd = new ArrayList<>(List.of("blender", "-b", "--factory-startup", "-noaudio", "--python-exit-code", "1",
        "--python", maker.toString(), "--", dir.toString()));
    if (denoise) {
      cmd.add("denoise=1");
    }
    blender(cmd);
    assertThat(dir.resolve("scene.blend")).isRegularFile();
    assertThat(dir.resolve("textures/checker.png")).isRegularFile();
    return dir;
  }

  private static String blender(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    return log;
  }

  @Test
  @Timeout(300)
  void aScenesFramesRenderIntoTheOutputsPixelForPixelAsNatively() throws Exception {
    Path inputs = scene(tmp.resolve("inputs"), false);
    Path out = tmp.resolve("out");
    CliRun run = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--scene", "scene.blend",
        "--frames", "1-3", "--outputs", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    String log = Files.readString(out.resolve("confide-run.log"));
    assertThat(log).contains("confide: frame 1 done (1 of 3)", "confide: frame 3 done (3 of 3)");

    Path nativeOut = Files.createDirectories(tmp.resolve("native"));
    blender(List.of("blender", "-b", inputs.resolve("scene.blend").toString(), "-o", nativeOut + "/frame_####", "-s", "1",
        "-e", "3", "-a"));
    long previous = -1;
    for (int f = 1; f <= 3; f++) {
      String name = "frame_000" + f + ".png";
      BufferedImage confidential = ImageIO.read(out.resolve(name).toFile());
      BufferedImage reference = ImageIO.read(nativeOut.resolve(name).toFile());
      assertThat(confidential.getWidth()).isEqualTo(reference.getWidth()).isEqualTo(64);
      assertThat(confidential.getHeight()).isEqualTo(reference.getHeight()).isEqualTo(48);
      long sum = 0;
      int differing = 0;
      for (int y = 0; y < 48; y++) {
        for (int x = 0; x < 64; x++) {
          sum += (long) (confidential.getRGB(x, y) & 0xffffff) * (x + 1);
          differing += confidential.getRGB(x, y) == reference.getRGB(x, y) ? 0 : 1;
        }
      }
      assertThat(differing).as(name + ": pixels that differ from the native render").isZero();
      assertThat(sum).as(name + " differs from the frame before: the plane moves").isNotEqualTo(previous);
      previous = sum;
    }
  }

  @Test
  @Timeout(300)
  void jsonCarriesTheRendersProgressFrameByFrameAndSampleBySample() throws Exception {
    Path inputs = scene(tmp.resolve("inputs"), false);
    CliRun run = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--scene", "scene.blend",
        "--frames", "1-3", "--outputs", tmp.resolve("out").toString(), "--json");
    assertThat(run.code()).as(run.err()).isZero();
    List<String> frames = new ArrayList<>();
    List<String> samples = new ArrayList<>();
    for (String line : run.err().lines().filter(l -> l.startsWith("{")).toList()) {
      var e = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      if (e.get("event").asText().equals("progress") && e.get("phase").asText().equals("frames")) {
        frames.add(e.get("bytes").asLong() + "/" + e.get("total").asLong());
      }
      if (e.get("event").asText().equals("progress") && e.get("phase").asText().equals("samples")) {
        samples.add(e.get("bytes").asLong() + "/" + e.get("total").asLong());
      }
    }
    assertThat(frames).containsExactly("1/3", "2/3", "3/3");
    assertThat(samples).as("the scene renders 4 samples a frame").contains("4/4").allMatch(s -> s.endsWith("/4"));
    // for people, not at a terminal: one line per frame done
    CliRun people = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--scene", "scene.blend",
        "--frames", "2-3", "--outputs", tmp.resolve("out2").toString());
    assertThat(people.code()).as(people.err()).isZero();
    assertThat(people.err()).containsPattern("confide: frames 1 of 2 done, \\d+:\\d\\d elapsed, about \\d+:\\d\\d left")
        .containsPattern("confide: frames 2 of 2 done, \\d+:\\d\\d elapsed");
  }

  @Test
  @Timeout(300)
  void aSceneThatAsksForTheMissingDenoiserFailsBeforeRenderingWithTheWayOut() throws Exception {
    Path inputs = scene(tmp.resolve("inputs"), true);
    CliRun refused = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--scene", "scene.blend",
        "--frames", "1", "--outputs", tmp.resolve("out").toString());
    assertThat(refused.code()).as(refused.err()).isEqualTo(2);
    assertThat(refused.err()).contains("confide: the program failed (exit code 2)")
        .contains("the scene asks for denoising, and this Blender has no denoiser").contains("--no-denoise");
    assertThat(tmp.resolve("out/frame_0001.png")).doesNotExist();

    CliRun rendered = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--scene", "scene.blend",
        "--frames", "1", "--no-denoise", "--samples", "2", "--resolution", "32x24", "--outputs", tmp.resolve("out2").toString());
    assertThat(rendered.code()).as(rendered.err()).isZero();
    BufferedImage frame = ImageIO.read(tmp.resolve("out2/frame_0001.png").toFile());
    assertThat(frame.getWidth()).isEqualTo(32);
    assertThat(frame.getHeight()).isEqualTo(24);
  }

  @Test
  @Timeout(300)
  void aScriptOfACollectionRunsUnmodifiedImportingItsSiblingAndWritingBesideItselfIntoTheOutputs() throws Exception {
    Path scripts = Files.createDirectories(tmp.resolve("inputs/scripts"));
    Files.writeString(scripts.resolve("helpers.py"), "def greeting():\n    return 'hello from a sibling'\n");
    Files.writeString(scripts.resolve("render_thing.py"), """
        import os, sys
        import bpy
        import helpers
        assert __name__ == "__main__", __name__
        with open("result.txt", "w") as f:
            f.write(helpers.greeting() + " in " + os.getcwd() + " as " + os.path.basename(sys.argv[0]))
        """);
    Path out = tmp.resolve("out");
    CliRun run = confide("run", "--application", "blender", "--inputs", tmp.resolve("inputs").toString(), "--script",
        "scripts/render_thing.py", "--outputs", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(Files.readString(out.resolve("result.txt"))).isEqualTo("hello from a sibling in /encryptedOutputs as render_thing.py");
  }

  @Test
  @Timeout(300)
  void aRenderThatCannotSaveFailsTheRunSayingWhy() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    // as many a collection's script does: the render goes beside the script, into the read-only inputs
    Files.writeString(inputs.resolve("main.py"), """
        import os, bpy
        scene = bpy.context.scene
        scene.render.engine = "BLENDER_WORKBENCH"
        scene.render.resolution_x, scene.render.resolution_y = 32, 24
        scene.render.filepath = os.path.join(os.path.dirname(__file__), "render.png")
        bpy.ops.render.render(write_still=True)
        """);
    Path out = tmp.resolve("out");
    CliRun run = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--outputs", out.toString());
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    assertThat(run.err()).contains("confide: the program failed (exit code 1)")
        .contains("cannot save: '/encryptedInputs/render.png'")
        .contains("confide: the script saved a render into the inputs, which are read-only: save it to /encryptedOutputs");
    assertThat(out.resolve("render.png")).doesNotExist();
  }

  @Test
  @Timeout(300)
  void aSceneWhoseTextureIsMissingFromTheInputsFailsBeforeRenderingNamingIt() throws Exception {
    Path inputs = scene(tmp.resolve("inputs"), false);
    Files.delete(inputs.resolve("textures/checker.png"));
    CliRun run = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--scene", "scene.blend",
        "--frames", "1", "--outputs", tmp.resolve("out").toString());
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("the scene's texture //textures/checker.png is missing: no textures/checker.png in the inputs;"
        + " put it there, at that path relative to the .blend, or pack it into the .blend");
    assertThat(tmp.resolve("out/frame_0001.png")).doesNotExist();
  }

  @Test
  @Timeout(300)
  void aScriptWhoseRenderUsesAMissingTextureFailsBeforeRenderingNamingIt() throws Exception {
    Path inputs = scene(tmp.resolve("inputs"), false);
    Files.delete(inputs.resolve("textures/checker.png"));
    // a script of the kind collections hold: it opens a .blend of its own folder and renders a still
    Files.writeString(inputs.resolve("render.py"), """
        import os, bpy
        bpy.ops.wm.open_mainfile(filepath=os.path.join(os.path.dirname(__file__), "scene.blend"))
        scene = bpy.context.scene
        scene.render.filepath = os.path.join(os.getcwd(), "still.png")
        bpy.ops.render.render(write_still=True)
        print("rendered")
        """);
    CliRun run = confide("run", "--application", "blender", "--inputs", inputs.toString(), "--script", "render.py",
        "--outputs", tmp.resolve("out").toString());
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains("confide: the render's texture //textures/checker.png is missing: no textures/checker.png"
        + " in the inputs; put it there, at that path relative to the .blend, or pack it into the .blend");
    assertThat(tmp.resolve("out/still.png")).doesNotExist();
    assertThat(Files.readString(tmp.resolve("out/confide-run.log"))).doesNotContain("rendered");
  }

  @Test
  void sceneOptionsAreRefusedWhereTheyMeanNothing() throws Exception {
    Path inputs = Files.createDirectories(tmp.resolve("inputs"));
    Files.writeString(inputs.resolve("main.py"), "print('hi')\n");
    String in = inputs.toString();
    String out = tmp.resolve("out").toString();
    CliRun python = confide("run", "--application", "python", "--inputs", in, "--scene", "a.blend", "--outputs", out);
    assertThat(python.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(python.err()).contains("application python renders no scene");
    CliRun framesOnly = confide("run", "--application", "blender", "--inputs", in, "--frames", "1-3", "--outputs", out);
    assertThat(framesOnly.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(framesOnly.err()).contains("are for a scene").contains("--scene FILE.blend");
    CliRun badFrames = confide("run", "--application", "blender", "--inputs", in, "--scene", "a.blend", "--frames", "3-1",
        "--outputs", out);
    assertThat(badFrames.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badFrames.err()).contains("--frames 3-1: '3-1' is not a frame");
    CliRun missing = confide("run", "--application", "blender", "--inputs", in, "--scene", "a.blend", "--outputs", out);
    assertThat(missing.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(missing.err()).contains("there is no scene a.blend in " + in);
    CliRun both = confide("run", "--application", "blender", "--inputs", in, "--scene", "a.blend", "--script", "main.py",
        "--outputs", out);
    assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("--scene and --script name two different jobs");
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
