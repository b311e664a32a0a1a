#!/usr/bin/env bash
# Confidential against native, alternating in one script; medians and ratios for docs/benchmarks.md.
#
# 1. Render: the Blender sphere (default 640x480, 32 samples: about 10 s natively here) with
#    `confide run --host local --application blender` against `blender -b -P` on the same script.
# 2. Fixed overhead: `confide run` of an empty Python script minus `python3` running it natively,
#    beside a JVM hello-world start measured in the same loop; and the median of each phase that
#    `confide run --json` reports.
#
#    `./confide run` hands runs to the user's daemon (started by the warm-up run), which keeps a
#    spare runtime process warming up after each run for the next. Back to back (the default) the
#    next run comes before that spare is warm; --pause S waits S seconds (not counted) before each
#    `confide run`, as a user between runs does. With --cold, each
#    loop also measures a first run after 'confide daemon stop' (the client starts the daemon,
#    which runs it cold; this stops the user's daemons) and a run with CONFIDE_DAEMON=off.
#
# Usage: bench/render.sh [--runs N] [--width W] [--height H] [--samples S] [--skip-render] [--cold] [--pause S]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3; width=640; height=480; samples=32; render=1; cold=0; pause=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --width) width=$2; shift 2 ;;
    --height) height=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --skip-render) render=0; shift ;;
    --cold) cold=1; shift ;;
    --pause) pause=$2; shift 2 ;;
    *) echo "usage: bench/render.sh [--runs N] [--width W] [--height H] [--samples S] [--skip-render] [--cold] [--pause S]" >&2; exit 64 ;;
  esac
done
# shellcheck source=../scripts/lib/env.sh
. "$root/scripts/lib/env.sh"
confide_find_jdk
confide="$root/confide"
"$confide" --version >/dev/null
py=/usr/bin/python3

work="$root/bench/work/render"
rm -rf "$work"
mkdir -p "$work"
export CONFIDE_CONFIG_DIR="$work/config" CONFIDE_DATA_DIR="$work/data"
# confide's progress lines go to stderr.log; on a failure, show its end
trap '[ -f "$work/stderr.log" ] && tail -20 "$work/stderr.log" >&2' ERR
now() { date +%s.%N; }
elapsed() { "$py" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }

# a warm-up run creates the embedded CAS, the identity and the host key, as a user's first run does
mkdir -p "$work/empty"
: > "$work/empty/main.py"
"$confide" run --application python --inputs "$work/empty" --outputs "$work/warmup" >/dev/null 2>>"$work/stderr.log"

mkdir -p "$work/hello"
cat > "$work/hello/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
"$JAVA_HOME/bin/javac" -d "$work/hello" "$work/hello/Hello.java"

results="$work/results.tsv"
: > "$results"
for i in $(seq 1 "$runs"); do
  t0=$(now); "$JAVA_HOME/bin/java" -cp "$work/hello" Hello >/dev/null; t1=$(now)
  printf 'jvm_hello\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  t0=$(now); "$py" "$work/empty/main.py"; t1=$(now)
  printf 'python_native\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  sleep "$pause"
  t0=$(now); "$confide" run --application python --inputs "$work/empty" --outputs "$work/empty-out-$i" --json > "$work/empty-$i.json" 2>>"$work/stderr.log"; t1=$(now)
  printf 'python_confide\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  if [ "$cold" = 1 ]; then
    # a user's first run after the daemon stopped: this client starts it, and it runs cold
    "$confide" daemon stop >/dev/null
    t0=$(now); "$confide" run --application python --inputs "$work/empty" --outputs "$work/first-out-$i" --json > "$work/first-$i.json" 2>>"$work/stderr.log"; t1=$(now)
    printf 'python_confide_first\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
    # without the daemon: the whole run in a JVM of its own
    t0=$(now); CONFIDE_DAEMON=off "$confide" run --application python --inputs "$work/empty" --outputs "$work/off-out-$i" --json > "$work/off-$i.json" 2>>"$work/stderr.log"; t1=$(now)
    printf 'python_confide_off\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  fi
done

if [ "$render" = 1 ]; then
  mkdir -p "$work/sphere"
  cp "$root/examples/blender/simple_sphere/main.py" "$work/sphere/"
  printf '{"width": %s, "height": %s, "samples": %s}\n' "$width" "$height" "$samples" > "$work/sphere/render.json"
  for i in $(seq 1 "$runs"); do
    mkdir -p "$work/native-$i"
    t0=$(now); blender -b --factory-startup -noaudio -P "$work/sphere/main.py" -- "$work/native-$i" >/dev/null 2>&1; t1=$(now)
    printf 'blender_native\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
    t0=$(now); "$confide" run --application blender --inputs "$work/sphere" --outputs "$work/confide-$i" --json > "$work/render-$i.json" 2>>"$work/stderr.log"; t1=$(now)
    printf 'blender_confide\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
    "$py" - "$work/native-$i/simple_sphere.png" "$work/confide-$i/simple_sphere.png" <<'PY' || echo "warning: run $i: the images' pixels differ" >&2
import struct, sys, zlib
def pixels(path):  # the decompressed image data of a PNG; its text chunks hold render times
    data, at, idat = open(path, "rb").read(), 8, b""
    while at < len(data):
        n = struct.unpack(">I", data[at:at + 4])[0]
        if data[at + 4:at + 8] == b"IDAT":
            idat += data[at + 8:at + 8 + n]
        at += 12 + n
    return zlib.decompress(idat)
sys.exit(0 if pixels(sys.argv[1]) == pixels(sys.argv[2]) else 1)
PY
  done
fi

"$py" - "$results" "$work" "$runs" "$render" "$width" "$height" "$samples" "$pause" <<'PY'
import json, statistics, sys, glob, os
results, work, runs, render = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
times = {}
for line in open(results):
    k, v = line.split()
    times.setdefault(k, []).append(float(v))
med = {k: statistics.median(v) for k, v in times.items()}
cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": ")
print(f"machine: {os.cpu_count()} cores, {cpu}; {runs} alternating runs each, medians" + (f"; {sys.argv[8]} s pause before each confide run" if sys.argv[8] != "0" else ", back to back"))
print()
print("| measure | median s | runs |")
print("|---|---|---|")
for k in ["jvm_hello", "python_native", "python_confide", "python_confide_first", "python_confide_off",
          "blender_native", "blender_confide"]:
    if k in med:
        print(f"| {k} | {med[k]:.3f} | {' '.join(f'{x:.2f}' for x in times[k])} |")
overhead = med["python_confide"] - med["python_native"]
print()
print(f"fixed overhead (confide run of an empty script - python3 natively): {overhead:.3f} s "
      f"= {overhead / med['jvm_hello']:.1f}x a JVM hello-world start ({med['jvm_hello']*1000:.0f} ms); target <= 25x")
for k, what in [("python_confide_first", "first run, starting the daemon"), ("python_confide_off", "without the daemon")]:
    if k in med:
        o = med[k] - med["python_native"]
        print(f"  {what}: {o:.3f} s = {o / med['jvm_hello']:.1f}x")
if render:
    print(f"render {sys.argv[5]}x{sys.argv[6]}, {sys.argv[7]} samples: confide / native = "
          f"{med['blender_confide'] / med['blender_native']:.3f} (target <= 1.05)")
print()
for prefix, what in [("empty", "empty script"), ("first", "empty script, first run starting the daemon"),
                     ("off", "empty script, CONFIDE_DAEMON=off")]:
    phases = {}
    for f in sorted(glob.glob(os.path.join(work, prefix + "-*.json"))):
        for k, v in json.load(open(f))["phases_ms"].items():
            phases.setdefault(k, []).append(v)
    if phases:
        print(f"phases of `confide run` ({what}), median ms: " + ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in phases.items()))
if render:
    phases = {}
    for f in sorted(glob.glob(os.path.join(work, "render-*.json"))):
        for k, v in json.load(open(f))["phases_ms"].items():
            phases.setdefault(k, []).append(v)
    print("phases of `confide run` (render), median ms: " + ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in phases.items()))
PY
