package dev.confide.cli.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.confide.cli.CliFailure;
import dev.confide.cli.ExitCodes;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * What {@code confide run} asks of an application that takes a job (its session names {@code
 * $JOB}; Blender's does): a script of the inputs, or a scene to render with overrides. The job
 * travels in the run's session as base64 JSON, read there by the application's start script
 * ({@code examples/applications/blender-start.py} says its form).
 */
public final class RenderOptions {
  private static final Set<String> FORMATS = Set.of("PNG", "EXR", "OPEN_EXR", "JPEG", "JPG", "TIFF", "BMP", "TGA", "WEBP");
  private static final Set<String> ENGINES = Set.of("cycles", "eevee", "workbench");

  @Option(names = "--scene", paramLabel = "FILE.blend",
      description = "Render this scene, a .blend file in the inputs (its relative paths and packed or linked assets work), instead of running a script.")
  String scene;

  @Option(names = "--frames", paramLabel = "SPEC",
      description = "The frames to render, as 1-240, 1-30,47 or 1-100x5 (default: the scene's own frame range).")
  String frames;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "The frames' image format: PNG, EXR, JPEG, TIFF, BMP, TGA or WEBP (default: the scene's own).")
  String format;

  @Option(names = "--samples", paramLabel = "N", description = "Render with N samples per pixel (default: the scene's own).")
  Integer samples;

  @Option(names = "--resolution", paramLabel = "WxH|PERCENT%",
      description = "Render at this size, as 1920x1080, or at a percentage of the scene's own, as 50%% (default: the scene's own).")
  String resolution;

  @Option(names = "--engine", paramLabel = "ENGINE", description = "Render with cycles, eevee or workbench (default: the scene's own).")
  String engine;

  @Option(names = "--no-denoise", description = "Render without Cycles' denoiser, which Debian's Blender is built without.")
  boolean noDenoise;

  /** Whether any scene option was given. */
  boolean anyGiven() {
    return scene != null || frames != null || format != null || samples != null || resolution != null || engine != null
        || noDenoise;
  }

  /** The job as JSON: {@code script} run, or the scene rendered with the options given. */
  String job(String script) {
    Map<String, Object> job = new LinkedHashMap<>();
    if (scene == null) {
      if (anyGiven()) {
        throw new CliFailure(ExitCodes.USAGE, "scene_option_without_scene", "--frames, --format, --samples, --resolution,"
            + " --engine and --no-denoise are for a scene", "name the scene with --scene FILE.blend");
      }
      job.put("script", script);
      return json(job);
    }
    if (!scene.endsWith(".blend")) {
      throw new CliFailure(ExitCodes.USAGE, "bad_scene", "--scene " + scene + " is not a .blend file", "give a .blend file of the inputs");
    }
    job.put("scene", scene);
    if (frames != null) {
      job.put("frames", FrameSpec.parse(frames));
    }
    if (format != null) {
      if (!FORMATS.contains(format.toUpperCase(Locale.ROOT))) {
        throw new CliFailure(ExitCodes.USAGE, "bad_format", "--format " + format + " is not one Confide renders",
            "use PNG, EXR, JPEG, TIFF, BMP, TGA or WEBP");
      }
      job.put("format", format.toUpperCase(Locale.ROOT));
    }
    if (samples != null) {
      if (samples < 1 || samples > 1 << 20) {
        throw new CliFailure(ExitCodes.USAGE, "bad_samples", "--samples " + samples + " is out of range", "give 1 to 1048576");
      }
      job.put("samples", samples);
    }
    if (resolution != null) {
      if (!resolution.matches("[1-9][0-9]{0,4}x[1-9][0-9]{0,4}|[1-9][0-9]{0,2}%")) {
        throw new CliFailure(ExitCodes.USAGE, "bad_resolution", "--resolution " + resolution + " is neither WIDTHxHEIGHT nor"
            + " a percentage", "write it like 1920x1080 or 50%");
      }
      job.put("resolution", resolution);
    }
    if (engine != null) {
      if (!ENGINES.contains(engine.toLowerCase(Locale.ROOT))) {
        throw new CliFailure(ExitCodes.USAGE, "bad_engine", "--engine " + engine + " is not one of Blender's render engines",
            "use cycles, eevee or workbench");
      }
      job.put("engine", engine.toLowerCase(Locale.ROOT));
    }
    if (noDenoise) {
      job.put("no_denoise", true);
    }
    return json(job);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String json(Map<String, Object> job) {
    try {
      return JSON.writeValueAsString(job);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
