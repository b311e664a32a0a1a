# Makes the test scene with Blender itself: a textured plane (its texture in textures/, linked by a
# relative path) moving over frames 1-3, a camera and a sun, Cycles at 4 samples and 64x48.
# Usage: blender -b --factory-startup --python make_scene.py -- OUT_DIR [denoise=1] [frames=N] [size=WxH] [samples=S]
# (bench/blender-frames.sh makes a larger one with frames=24 size=320x240 samples=32)
import bpy, os, sys
args = sys.argv[sys.argv.index("--") + 1:]
out = args[0]
opts = dict(a.split("=", 1) for a in args[1:])
denoise = opts.get("denoise") == "1"
frames = int(opts.get("frames", "3"))
width, height = (int(v) for v in opts.get("size", "64x48").split("x"))
samples = int(opts.get("samples", "4"))
os.makedirs(os.path.join(out, "textures"), exist_ok=True)
bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
img = bpy.data.images.new("checker", 16, 16)
px = []
for y in range(16):
    for x in range(16):
        c = 1.0 if (x // 4 + y // 4) % 2 else 0.1
        px += [c, 0.3, 1.0 - c, 1.0]
img.pixels = px
img.filepath_raw = os.path.join(out, "textures", "checker.png")
img.file_format = "PNG"
img.save()
bpy.ops.mesh.primitive_plane_add(size=2)
plane = bpy.context.active_object
mat = bpy.data.materials.new("m")
mat.use_nodes = True
tex = mat.node_tree.nodes.new("ShaderNodeTexImage")
tex.image = bpy.data.images.load(os.path.join(out, "textures", "checker.png"))
bsdf = mat.node_tree.nodes["Principled BSDF"]
mat.node_tree.links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
plane.data.materials.append(mat)
for f in range(1, frames + 1):
    plane.location = (-0.5 + f * 1.0 / (frames + 1) if frames > 3 else (-0.5, 0.0, 0.5)[f - 1], 0, 0)
    plane.keyframe_insert("location", frame=f)
cam = bpy.data.objects.new("cam", bpy.data.cameras.new("cam"))
scene.collection.objects.link(cam)
cam.location = (0, -4, 3)
cam.rotation_euler = (0.93, 0, 0)
scene.camera = cam
light = bpy.data.objects.new("sun", bpy.data.lights.new("sun", "SUN"))
scene.collection.objects.link(light)
scene.render.engine = "CYCLES"
scene.cycles.samples = samples
scene.cycles.use_denoising = denoise
scene.cycles.seed = 1
scene.render.resolution_x, scene.render.resolution_y, scene.render.resolution_percentage = width, height, 100
scene.frame_start, scene.frame_end = 1, frames
scene.render.image_settings.file_format = "PNG"
bpy.ops.file.make_paths_relative()
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out, "scene.blend"), relative_remap=True)
