package dev.confide.remote.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What a host's Blender can do, asked of Blender itself (about a second: it starts in the
 * background and prints one line): its version, its render engines, the devices Cycles can render
 * on, and whether Cycles was built with its denoiser (Debian's is not: a scene that asks for it
 * is refused before rendering, {@code --no-denoise} is the way out).
 */
public record BlenderCapabilities(String version, List<String> engines, List<String> devices, boolean denoiser) {
  private static final String MARK = "confide-blender ";

  private static final String PROBE = """
      import bpy, json
      caps = {"version": bpy.app.version_string}
      caps["engines"] = ["BLENDER_EEVEE", "BLENDER_WORKBENCH"] + sorted({c.bl_idname for c in bpy.types.RenderEngine.__subclasses__()})
      try:
          import _cycles
          caps["denoiser"] = bool(getattr(_cycles, "with_openimagedenoise", False))
          devices = set()
          for kind in ("CPU", "CUDA", "OPTIX", "HIP", "METAL", "ONEAPI"):
              try:
                  devices.update(d[1] for d in _cycles.available_devices(kind))
              except Exception:
                  pass
          caps["devices"] = sorted(devices)
      except ImportError:
          caps["denoiser"] = False
          caps["devices"] = []
      print("confide-blender " + json.dumps(caps), flush=True)
      """;

  public BlenderCapabilities {
    engines = List.copyOf(engines);
    devices = List.copyOf(devices);
  }

  /**
   * A POSIX shell command that prints one line: Blender's answer, or "-" where there is no
   * {@code blender} on the PATH (or it cannot start).
   */
  public static String probeCommand() {
    String code = Base64.getEncoder().encodeToString(PROBE.getBytes(StandardCharsets.UTF_8));
    return "{ command -v blender >/dev/null 2>&1 && blender -b --factory-startup -noaudio --python-expr"
        + " \"import base64; exec(base64.b64decode('" + code + "'))\" 2>/dev/null | grep '^" + MARK.strip()
        + " ' | head -n 1 | grep . ; } || echo -";
  }

  /** The capabilities in {@code line} (what {@link #probeCommand} printed), or empty for "-" or anything else. */
  public static Optional<BlenderCapabilities> parse(String line) {
    String s = line.strip();
    if (!s.startsWith(MARK)) {
      return Optional.empty();
    }
    try {
      JsonNode n = new ObjectMapper().readTree(s.substring(MARK.length()));
      List<String> engines = new ArrayList<>();
      n.get("engines").forEach(e -> engines.add(e.asText()));
      List<String> devices = new ArrayList<>();
      n.get("devices").forEach(d -> devices.add(d.asText()));
      return Optional.of(new BlenderCapabilities(n.get("version").asText(), engines, devices, n.get("denoiser").asBoolean()));
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** One line for people: {@code 3.4.1; engines ...; Cycles devices CPU; no denoiser (render denoised scenes with --no-denoise)}. */
  public String describe() {
    return version + "; engines " + String.join(", ", engines) + "; Cycles devices "
        + (devices.isEmpty() ? "none" : String.join(", ", devices)) + "; "
        + (denoiser ? "denoiser built in" : "no denoiser (built without OpenImageDenoise: render denoised scenes with --no-denoise)");
  }
}
