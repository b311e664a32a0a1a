# The blender application's start script (examples/applications/blender.yaml): it is part of each
# run's session, so the CAS holds it and the runtime runs exactly it. Its job comes after '--' as
# base64 JSON, made by `confide run`:
#   {"script": "NAME", "args": [...]}   run a script of the inputs unmodified, as __main__, its
#                                        folder first on sys.path, in /encryptedOutputs
#   {"scene": "FILE.blend", "frames": [1, 2, 3], "format": "PNG", "samples": 16,
#    "resolution": "640x480" | "50%", "engine": "cycles" | "eevee" | "workbench", "no_denoise": true}
#                                        render the scene's frames to /encryptedOutputs/frame_####.EXT;
#                                        the scene's own settings stand unless the job overrides them
# A failure exits non-zero with one line on standard error that starts with "confide: ".
import base64
import json
import os
import runpy
import sys

import bpy

INPUTS = "/encryptedInputs"
OUTPUTS = "/encryptedOutputs"
ENGINES = {"cycles": "CYCLES", "eevee": "BLENDER_EEVEE", "workbench": "BLENDER_WORKBENCH"}
FORMATS = {"PNG": "PNG", "EXR": "OPEN_EXR", "OPEN_EXR": "OPEN_EXR", "JPEG": "JPEG", "JPG": "JPEG", "TIFF": "TIFF",
           "BMP": "BMP", "TGA": "TARGA", "WEBP": "WEBP"}


def fail(message, code=2):
    print("confide: " + message, file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(code)


def job():
    args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    if not args:
        fail("the start script got no job (the application's session passes it after '--')")
    return json.loads(base64.b64decode(args[0]).decode("utf-8"))


def in_inputs(name, what):
    path = os.path.normpath(os.path.join(INPUTS, name))
    if not path.startswith(INPUTS + "/"):
        fail(f"the {what} {name} is not inside the inputs")
    if not os.path.isfile(path):
        fail(f"there is no {what} {name} in the inputs")
    return path


def run_script(j):
    path = in_inputs(j["script"], "script")
    # what Blender's -P does not: the script's folder first on sys.path (sibling imports), and
    # the script run as __main__ with its own name as argv[0]
    sys.path.insert(0, os.path.dirname(path))
    sys.argv = [path] + list(j.get("args", []))
    os.chdir(OUTPUTS)
    # a script may open a .blend and render it: a texture it lacks would render pink, exit 0
    bpy.app.handlers.render_pre.append(check_before_render)
    try:
        runpy.run_path(path, run_name="__main__")
    except Exception as e:
        # Blender says "cannot save: '/encryptedInputs/...'"; the reason is the inputs' being read-only
        if "cannot save" in str(e) and INPUTS + "/" in str(e):
            print(f"confide: the script saved a render into the inputs, which are read-only: save it to {OUTPUTS}"
                  " or to a path relative to the working directory", file=sys.stderr, flush=True)
        raise


def check_denoiser(scene, j):
    if scene.render.engine != "CYCLES" or not scene.cycles.use_denoising:
        return
    try:
        import _cycles
        available = bool(getattr(_cycles, "with_openimagedenoise", False))
    except ImportError:
        available = False
    if j.get("no_denoise"):
        scene.cycles.use_denoising = False
    elif not available and scene.cycles.denoiser != "OPTIX":
        fail("the scene asks for denoising, and this Blender has no denoiser (built without OpenImageDenoise);"
             " run again with --no-denoise")


def missing_files(used_only):
    """The images and libraries the open file names that are neither packed nor on disk, as
    (kind, path as written, absolute path); images no one uses only when not used_only."""
    missing = []
    for image in bpy.data.images:
        if image.packed_file is not None or image.source not in ("FILE", "SEQUENCE", "MOVIE"):
            continue
        if image.library is not None or (used_only and image.users == 0):
            continue
        file = bpy.path.abspath(image.filepath, library=image.library)
        if file and not os.path.exists(file):
            missing.append(("texture", image.filepath, file))
    for library in bpy.data.libraries:
        file = bpy.path.abspath(library.filepath)
        if library.packed_file is None and not os.path.exists(file):
            missing.append(("library", library.filepath, file))
    return missing


def report_missing(missing, whose):
    kind, given, file = missing[0]
    shown = os.path.relpath(file, INPUTS) if file.startswith(INPUTS + "/") else file
    more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
    where = "in the inputs" if file.startswith(INPUTS + "/") else "in the sandbox (only the inputs are there)"
    fail(f"{whose} {kind} {given} is missing: no {shown} {where}{more};"
         " put it there, at that path relative to the .blend, or pack it into the .blend")


def check_files(scene_path):
    """Every image and library the scene uses is there (packed, or a file in the inputs): Blender
    would render a missing texture pink and exit 0."""
    missing = missing_files(used_only=False)
    if missing:
        report_missing(missing, "the scene's")


@bpy.app.handlers.persistent
def check_before_render(scene, *args):
    """A script's render: the same check, on what is used, before its first sample (persistent:
    handlers are dropped when the script opens a .blend)."""
    missing = missing_files(used_only=True)
    if missing:
        report_missing(missing, "the render's")


def render_scene(j):
    path = in_inputs(j["scene"], "scene")
    bpy.ops.wm.open_mainfile(filepath=path)
    check_files(path)
    scene = bpy.context.scene
    render = scene.render
    if "engine" in j:
        render.engine = ENGINES[j["engine"]]
    if "samples" in j:
        if render.engine == "CYCLES":
            scene.cycles.samples = int(j["samples"])
        elif render.engine == "BLENDER_EEVEE":
            scene.eevee.taa_render_samples = int(j["samples"])
    if "resolution" in j:
        value = j["resolution"]
        if value.endswith("%"):
            render.resolution_percentage = int(value[:-1])
        else:
            width, height = value.lower().split("x")
            render.resolution_x, render.resolution_y = int(width), int(height)
            render.resolution_percentage = 100
    if "format" in j:
        render.image_settings.file_format = FORMATS[j["format"].upper()]
    check_denoiser(scene, j)
    render.use_file_extension = True
    frames = j.get("frames") or list(range(scene.frame_start, scene.frame_end + 1, max(1, scene.frame_step)))
    os.chdir(OUTPUTS)
    step = frames[1] - frames[0] if len(frames) > 1 else 0
    if step > 0 and all(b - a == step for a, b in zip(frames, frames[1:])):
        render_animation(scene, frames, step)
        return
    for done, frame in enumerate(frames, start=1):
        scene.frame_set(frame)
        # a still render does not number its file: the frame's own name, as an animation would write it
        render.filepath = OUTPUTS + "/frame_####"
        written = render.frame_path(frame=frame)
        render.filepath = os.path.splitext(written)[0]
        bpy.ops.render.render(write_still=True)
        if not os.path.isfile(written):
            fail(f"frame {frame} produced no file (Blender could not save {os.path.basename(written)}; its log says why)")
        print(f"confide: frame {frame} done ({done} of {len(frames)})", flush=True)


def render_animation(scene, frames, step):
    """Evenly spaced frames render as Blender's own animation render does (`blender -a`): one
    render job, the scene's data kept between frames, instead of a still render per frame."""
    render = scene.render
    scene.frame_start, scene.frame_end, scene.frame_step = frames[0], frames[-1], step
    render.filepath = OUTPUTS + "/frame_####"
    done = [0]

    def written(scene, *args):
        done[0] += 1
        print(f"confide: frame {scene.frame_current} done ({done[0]} of {len(frames)})", flush=True)

    bpy.app.handlers.render_write.append(written)
    bpy.ops.render.render(animation=True)
    for frame in frames:
        if not os.path.isfile(render.frame_path(frame=frame)):
            fail(f"frame {frame} produced no file (Blender could not save"
                 f" {os.path.basename(render.frame_path(frame=frame))}; its log says why)")


def main():
    j = job()
    if "scene" in j:
        render_scene(j)
    elif "script" in j:
        run_script(j)
    else:
        fail("the job names neither a script nor a scene")


main()
