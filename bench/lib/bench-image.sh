# The benchmark image's root file system (sourced by bench/image-convert.sh and
# bench/image-convert-ab.sh): about 300 MB made from this machine's files (Debian's python3, its
# standard library and dist-packages, numpy, glibc) with /app holding seed 003's counter and
# 100 MB of the application's data. Needs $root (the checkout) and $work; sets $rootfs,
# $size_mb, $app_mb and $usr_mb.
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{usr/bin,usr/lib/x86_64-linux-gnu,usr/lib64,usr/lib/python3,usr/local/lib/python3.11/dist-packages,etc,tmp,proc,dev,sys,run,root,app/data,V1}
ln -s usr/bin "$rootfs/bin"; ln -s usr/lib "$rootfs/lib"; ln -s usr/lib64 "$rootfs/lib64"
cp -a /usr/bin/python3.11 "$rootfs/usr/bin/"; ln -s python3.11 "$rootfs/usr/bin/python3"
for lib in $(grep -E '^/lib/x86_64-linux-gnu/[^/]+\.so[.0-9]*$' /var/lib/dpkg/info/libc6:amd64.list); do cp -L "$lib" "$rootfs/usr/lib/x86_64-linux-gnu/"; done
for lib in libz.so.1 libexpat.so.1 libffi.so.8 libssl.so.3 libcrypto.so.3 libbz2.so.1.0 liblzma.so.5 libsqlite3.so.0 libuuid.so.1; do
  [ -e "/usr/lib/x86_64-linux-gnu/$lib" ] && cp -L "/usr/lib/x86_64-linux-gnu/$lib" "$rootfs/usr/lib/x86_64-linux-gnu/"
done
ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rootfs/usr/lib64/ld-linux-x86-64.so.2"
cp -a /usr/lib/python3.11 "$rootfs/usr/lib/"
cp -a /usr/lib/python3/dist-packages "$rootfs/usr/lib/python3/"
numpy=$(python3 -c 'import numpy, os; print(os.path.dirname(numpy.__file__))' 2>/dev/null || true)
if [ -n "$numpy" ]; then
  cp -a "$numpy" "$numpy.libs" "$rootfs/usr/local/lib/python3.11/dist-packages/" 2>/dev/null || cp -a "$numpy" "$rootfs/usr/local/lib/python3.11/dist-packages/"
fi
cp examples/python/counter/counter.py "$rootfs/app/"
for i in $(seq 1 100); do head -c 1048576 /dev/urandom >"$rootfs/app/data/part-$i.bin"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"; printf 'root:x:0:\n' >"$rootfs/etc/group"
size_mb=$(du -sm "$rootfs" | cut -f1)
app_mb=$(du -sm "$rootfs/app" | cut -f1)
usr_mb=$(du -sm "$rootfs/usr" | cut -f1)

# $work/layer.tar (the root as one tar) as a docker-archive, $work/base.tar, running
# python3 /app/counter.py -v /V1/num
bench_docker_archive() {
python3 - "$work" <<'PY'
import hashlib, json, os, sys, tarfile
work = sys.argv[1]
layer = os.path.join(work, "layer.tar")
h = hashlib.sha256()
with open(layer, "rb") as f:
    for b in iter(lambda: f.read(1 << 20), b""):
        h.update(b)
diff = "sha256:" + h.hexdigest()
config = {"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"],
          "Cmd": ["python3", "/app/counter.py", "-v", "/V1/num"], "WorkingDir": "/"}, "rootfs": {"type": "layers", "diff_ids": [diff]}}
cb = json.dumps(config).encode()
cname = hashlib.sha256(cb).hexdigest() + ".json"
manifest = json.dumps([{"Config": cname, "RepoTags": ["localhost/bench-plain:latest"], "Layers": [h.hexdigest() + "/layer.tar"]}]).encode()
import io
with tarfile.open(os.path.join(work, "base.tar"), "w") as t:
    t.add(layer, arcname=h.hexdigest() + "/layer.tar")
    for name, data in ((cname, cb), ("manifest.json", manifest)):
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
PY
}
