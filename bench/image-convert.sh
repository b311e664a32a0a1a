#!/usr/bin/env bash
# Image conversion and a converted image's start (docs/benchmarks.md, issue 18).
#
# The image: a root file system of about 300 MB made from this machine's files (Debian's python3,
# its standard library and dist-packages, numpy, glibc) with /app holding seed 003's counter and
# 100 MB of the application's data, as a docker-archive of one layer.
# Conversion: 'confide image convert --encrypt /app' (default --authenticate /usr) beside its parts
# measured alone on the same tree: 'tar' packing the layer (what docker save writes), 'confide
# volume seal' of /app and 'confide tree authenticate' of /usr. Each is a fresh JVM (no daemon).
# Start: the plain image (python3 /app/counter.py) and the converted one under the same
# 'podman run' (runc, storage of its own, the options a converted image needs), a local CAS over
# HTTPS; the converted image's runtime prints where its time went.
#
# Usage: bench/image-convert.sh [RUNS]   (default 3; figures are medians)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
runs=${1:-3}
confide="$root/confide"
"$confide" --version >/dev/null
work=$(mktemp -d /var/tmp/confide-image-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export CONFIDE_CONFIG_DIR="$work/config" CONFIDE_DATA_DIR="$work/data" CONFIDE_DAEMON=off

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }

# the root file system
# shellcheck source=lib/bench-image.sh
. "$root/bench/lib/bench-image.sh"

# docker save's work: the layer as one tar (timed), then the archive around it
tar_s=()
for i in $(seq 1 "$runs"); do
  rm -f "$work/layer.tar"; sync
  t0=$(now); tar -C "$rootfs" --numeric-owner -cf "$work/layer.tar" .; t1=$(now)
  tar_s+=("$(seconds "$t0" "$t1")")
done
bench_docker_archive
rm -f "$work/layer.tar"

# the parts alone, then the conversion
seal_s=(); auth_s=(); conv_s=(); out_tar_s=(); parts=""
dist="$root/confide-runtime/target/dist"
for i in $(seq 1 "$runs"); do
  # the previous round's 400 MB output is still in the page cache, dirty: a seal (durable: it
  # ends with syncfs) would write it back inside its own time
  rm -rf "$work/vol" "$work/vol.key" "$work/usr.tree" "$work/usr.key"; sync
  t0=$(now); "$confide" volume seal "$rootfs/app" "$work/vol" --key-out "$work/vol.key" >/dev/null; t1=$(now)
  seal_s+=("$(seconds "$t0" "$t1")")
  t0=$(now); "$confide" tree authenticate "$rootfs/usr" --key-out "$work/usr.key" --manifest "$work/usr.tree" >/dev/null; t1=$(now)
  auth_s+=("$(seconds "$t0" "$t1")")
  # writing the output's layers once: tar of what they hold (the root without /app's files,
  # Confide's runtime with its Java, the sealed /app: what the conversion writes, 100 MB more
  # than the input's root), from the same page cache
  rm -f "$work/layers.tar"; sync
  t0=$(now)
  tar --numeric-owner -cf "$work/layers.tar" -C "$rootfs" --exclude=./app/counter.py --exclude=./app/data . \
      -C "$dist" bin lib jre jvm.args -C "$work/vol" .
  t1=$(now)
  out_tar_s+=("$(seconds "$t0" "$t1")")
  out_tar_mb=$(( $(stat -c %s "$work/layers.tar") / 1000000 ))
  rm -f "$work/layers.tar"
  # written afresh, as tar's layer is above (replacing a 400 MB file costs ext4 about 0.25 s
  # inside the rename that puts the new one in place)
  rm -f "$work/bench.tar"; sync
  t0=$(now)
  "$confide" image convert --from "$work/base.tar" --to "$work/bench.tar" --name bench --command "python3 /app/counter.py -v /V1/num" \
      --encrypt /app --volume V1:/V1 --session bench --force --json >"$work/convert.json"
  t1=$(now)
  conv_s+=("$(seconds "$t0" "$t1")")
  parts=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["millis"]; print(", ".join(f"{k} {v/1000:.2f} s" for k, v in m.items()))' "$work/convert.json")
done
m_tar=$(printf '%s\n' "${tar_s[@]}" | median); m_seal=$(printf '%s\n' "${seal_s[@]}" | median)
m_auth=$(printf '%s\n' "${auth_s[@]}" | median); m_conv=$(printf '%s\n' "${conv_s[@]}" | median)
m_out_tar=$(printf '%s\n' "${out_tar_s[@]}" | median)
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "image: ${size_mb} MB (/usr ${usr_mb} MB authenticated, /app ${app_mb} MB encrypted), ${runs} runs, medians"
echo "| step | seconds |"
echo "|---|---|"
echo "| tar of the root (docker save's layer) | $m_tar |"
echo "| confide volume seal /app | $m_seal |"
echo "| confide tree authenticate /usr | $m_auth |"
echo "| sum of the three | $(awk -v a="$m_tar" -v b="$m_seal" -v c="$m_auth" 'BEGIN {printf "%.2f", a + b + c}') |"
echo "| tar of what the output's layers hold (${out_tar_mb} MB: root without /app, runtime, sealed /app) | $m_out_tar |"
echo "| seal + authenticate + that tar (the issue's goal) | $(awk -v a="$m_out_tar" -v b="$m_seal" -v c="$m_auth" 'BEGIN {printf "%.2f", a + b + c}') |"
echo "| confide image convert (whole command) | $m_conv |"
echo "conversion's own parts (last run): $parts"

# start under podman: the plain image against the converted one
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  echo "start: podman or runc is not installed; skipped"; exit 0
fi
"$confide" identity create >/dev/null
log="$work/cas.json"
"$confide" cas start --listen 127.0.0.1:0 --data "$work/cas" --json >"$log" 2>"$log.err" &
pids+=($!)
for _ in $(seq 1 600); do grep -q '^}' "$log" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*"url" : "\(.*\)".*/\1/p' "$log"); fingerprint=$(sed -n 's/.*"fingerprint" : "\(.*\)".*/\1/p' "$log")
[ -n "$url" ] || { echo "the CAS did not start:" >&2; cat "$log.err" >&2; exit 69; }
"$confide" cas add bench "$url" --fingerprint "$fingerprint" >/dev/null
"$confide" image convert --from "$work/base.tar" --to "$work/bench.tar" --name bench --command "python3 /app/counter.py -v /V1/num" \
    --encrypt /app --volume V1:/V1 --session bench-start --cas "$url" --cas-fingerprint "$fingerprint" --stream-output --force >/dev/null 2>&1
"$confide" session create "$work/policy.yaml" --cas bench >/dev/null
"$confide" host init --json >"$work/host.json"
hostkey=$(sed -n 's/.*"file" : "\(.*\)".*/\1/p' "$work/host.json")
"$confide" host trust "$(sed -n 's/.*"key_hash" : "\(.*\)".*/\1/p' "$work/host.json")" --cas bench >/dev/null
podman=(podman --root "$work/podman/root" --runroot "$work/podman/run" --storage-driver vfs --cgroup-manager cgroupfs --runtime runc --events-backend none)
opts=(--rm --network host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --security-opt seccomp=unconfined --security-opt unmask=ALL
      --tmpfs /dev/shm:rw,exec,nosuid,nodev,size=512m)
"${podman[@]}" load -i "$work/base.tar" >/dev/null 2>&1
"${podman[@]}" load -i "$work/bench.tar" >/dev/null 2>&1
mkdir -p "$work/v1-plain" "$work/v1-conf"
plain_s=(); conf_s=(); phases=""
for i in $(seq 1 "$runs"); do
  t0=$(now); "${podman[@]}" run "${opts[@]}" -v "$work/v1-plain:/V1" localhost/bench-plain:latest >"$work/plain.out" 2>&1; t1=$(now)
  plain_s+=("$(seconds "$t0" "$t1")")
  t0=$(now)
  "${podman[@]}" run "${opts[@]}" -e CONFIDE_HOST_KEY=/run/confide/host-key -v "$hostkey:/run/confide/host-key:ro" \
      -v "$work/v1-conf:/V1" localhost/bench:latest >"$work/conf.out" 2>&1 || { cat "$work/conf.out" >&2; exit 1; }
  t1=$(now)
  conf_s+=("$(seconds "$t0" "$t1")")
  phases=$(sed -n 's/^  phases: //p' "$work/conf.out")
done
m_plain=$(printf '%s\n' "${plain_s[@]}" | median); m_conf=$(printf '%s\n' "${conf_s[@]}" | median)
# the engine's own share: the same two images starting 'python3 -c pass' instead (vfs copies an image per container)
eplain_s=(); econf_s=()
for i in $(seq 1 "$runs"); do
  t0=$(now); "${podman[@]}" run "${opts[@]}" --entrypoint /usr/bin/python3 localhost/bench-plain:latest -c pass >/dev/null 2>&1; t1=$(now)
  eplain_s+=("$(seconds "$t0" "$t1")")
  t0=$(now); "${podman[@]}" run "${opts[@]}" --entrypoint /usr/bin/python3 localhost/bench:latest -c pass >/dev/null 2>&1; t1=$(now)
  econf_s+=("$(seconds "$t0" "$t1")")
done
m_eplain=$(printf '%s\n' "${eplain_s[@]}" | median); m_econf=$(printf '%s\n' "${econf_s[@]}" | median)
echo "| podman run | seconds |"
echo "|---|---|"
echo "| plain image (python3 counter.py) | $m_plain |"
echo "| converted image (runtime, attestation, volumes, tree check, sandbox) | $m_conf |"
echo "| added | $(awk -v a="$m_plain" -v b="$m_conf" 'BEGIN {printf "%.2f", b - a}') |"
echo "| engine only, plain image (python3 -c pass) | $m_eplain |"
echo "| engine only, converted image (python3 -c pass; the image is larger) | $m_econf |"
echo "converted run's phases (last run): $phases"
echo "last run printed: plain '$(grep -o 'executions is [0-9]*' "$work/plain.out")', converted '$(grep -o 'executions is [0-9]*' "$work/conf.out")'"
