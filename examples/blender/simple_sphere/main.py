"""Renders a smooth, subdivided icosphere with a camera and a light, using Cycles on the CPU.

Run by Confide as `blender -b -P /encryptedInputs/main.py`: the scene is built from nothing, the
render goes to /encryptedOutputs/simple_sphere.png. Natively, pass another output directory after
`--`: `blender -b -P main.py -- OUTDIR`. render.json next to this script may set width, height,
samples and seed; the defaults are 500x500, 16 samples, seed 1. A fixed seed and no denoiser make
the image the same, pixel for pixel, wherever it is rendered with the same Blender (the PNG's text
chunks still record how long Cycles took).
"""
import json
import math
import os
import sys

import bpy

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
out_dir = args[0] if args else "/encryptedOutputs"

settings = {"width": 500, "height": 500, "samples": 16, "seed": 1}
settings_file = os.path.join(here, "render.json")
if os.path.exists(settings_file):
    with open(settings_file) as f:
        settings.update(json.load(f))

# An empty scene, whatever the startup file holds.
bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene

bpy.ops.mesh.primitive_ico_sphere_add(subdivisions=3, radius=1.0, location=(0, 0, 0))
sphere = bpy.context.active_object
sphere.modifiers.new(name="subdivision", type="SUBSURF").levels = 2
bpy.ops.object.shade_smooth()
material = bpy.data.materials.new(name="sphere")
material.use_nodes = True
bsdf = material.node_tree.nodes["Principled BSDF"]
bsdf.inputs["Base Color"].default_value = (0.8, 0.25, 0.1, 1.0)
bsdf.inputs["Roughness"].default_value = 0.35
sphere.data.materials.append(material)

bpy.ops.mesh.primitive_plane_add(size=20, location=(0, 0, -1))

bpy.ops.object.camera_add(location=(0, -6, 2.5))
camera = bpy.context.active_object
camera.rotation_euler = (math.radians(72), 0, 0)
scene.camera = camera

bpy.ops.object.light_add(type="SUN", location=(4, -4, 6))
sun = bpy.context.active_object
sun.data.energy = 4.0
sun.rotation_euler = (math.radians(40), math.radians(20), math.radians(30))

world = bpy.data.worlds.new("world")
world.color = (0.05, 0.06, 0.08)
scene.world = world

scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = int(settings["samples"])
scene.cycles.seed = int(settings["seed"])
scene.cycles.use_denoising = False
scene.cycles.use_adaptive_sampling = False
scene.render.resolution_x = int(settings["width"])
scene.render.resolution_y = int(settings["height"])
scene.render.resolution_percentage = 100
scene.render.image_settings.file_format = "PNG"
# no date, time or file-name metadata in the file (Cycles still records its render times)
for name in dir(scene.render):
    if name.startswith("use_stamp"):
        setattr(scene.render, name, False)
scene.render.filepath = os.path.join(out_dir, "simple_sphere.png")

bpy.ops.render.render(write_still=True)
print("rendered", scene.render.filepath, f"{settings['width']}x{settings['height']}", settings["samples"], "samples")
