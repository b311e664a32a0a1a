#!/usr/bin/env bash
# A multi-frame render through `confide run --host local --scene` against native Blender on the
# same frames (docs/benchmarks.md, issue 16): the test's scene (a textured plane moving, Cycles),
# made by Blender itself at 320x240, 32 samples, 24 frames; alternating runs, each from a quiet
# machine (bench/lib/quiet.sh), medians and their ratio (goal <= 1.05).
#
# Usage: bench/blender-frames.sh [--runs N] [--frames N] [--size WxH] [--samples S]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3; frames=24; size=320x240; samples=32
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --frames) frames=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    *) echo "usage: bench/blender-frames.sh [--runs N] [--frames N] [--size WxH] [--samples S]" >&2; exit 64 ;;
  esac
done
# shellcheck source=lib/quiet.sh
. "$root/bench/lib/quiet.sh"
confide="$root/confide"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
blender -b --factory-startup -noaudio --python-exit-code 1 --python "$root/confide-cli/src/test/resources/blender/make_scene.py" \
  -- "$work/scene" "frames=$frames" "size=$size" "samples=$samples" >/dev/null 2>&1
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
# daemons of earlier builds (each with a spare runtime) would share the two cores with the renders
"$confide" daemon stop >/dev/null 2>&1 || true
# a warm-up: the daemon, the embedded CAS, the identity
"$confide" run --application blender --inputs "$work/scene" --scene scene.blend --frames 1 --outputs "$work/warm" >/dev/null 2>&1
results=$work/results.tsv
: > "$results"
for i in $(seq 1 "$runs"); do
  mkdir -p "$work/native-$i"
  bench_quiet
  t0=$(now); blender -b "$work/scene/scene.blend" -o "$work/native-$i/frame_####" -s 1 -e "$frames" -a >/dev/null 2>&1; t1=$(now)
  printf 'native\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  bench_quiet
  t0=$(now); "$confide" run --application blender --inputs "$work/scene" --scene scene.blend --frames "1-$frames" \
    --outputs "$work/confide-$i" --json > "$work/confide-$i.json" 2>/dev/null; t1=$(now)
  printf 'confide\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  n=$(find "$work/confide-$i" -name 'frame_*.png' | wc -l)
  [ "$n" = "$frames" ] || { echo "bench: run $i rendered $n of $frames frames" >&2; exit 1; }
done
python3 - "$results" "$work" "$frames" "$size" "$samples" <<'PY'
import glob, json, os, statistics, sys
results, work = sys.argv[1], sys.argv[2]
times = {}
for line in open(results):
    k, v = line.split()
    times.setdefault(k, []).append(float(v))
med = {k: statistics.median(v) for k, v in times.items()}
cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t")
print(f"machine: {os.cpu_count()} cores, {cpu}; {sys.argv[3]} frames {sys.argv[4]}, {sys.argv[5]} samples; alternating, medians")
for k in ["native", "confide"]:
    print(f"| {k} | {med[k]:.2f} s | {' '.join(f'{x:.2f}' for x in times[k])} |")
print(f"confide / native = {med['confide'] / med['native']:.3f} (goal <= 1.05)")
phases = {}
for f in sorted(glob.glob(os.path.join(work, "confide-*.json"))):
    for k, v in json.load(open(f))["phases_ms"].items():
        phases.setdefault(k, []).append(v)
print("phases (ms, medians): " + ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in phases.items()))
PY
