#!/usr/bin/env bash
# A remote run's fixed cost and a Blender render through a loopback host, against their peers in
# the same loop (docs/benchmarks.md):
#
# 1. Fixed cost: `confide run --host bench` of an empty Python script against `ssh HOST true`
#    plus an empty local run (`confide run --host local`, through the daemon as a user runs it).
# 2. Render: the Blender sphere (default 640x480, 32 samples: about 10 s natively here) through
#    `confide run --host bench --application blender` against `blender -b -P` natively.
#
# The host is Debian's OpenSSH sshd on 127.0.0.1 (bench/lib/sshd.sh: a separate account,
# throwaway keys), so it shares this machine's cores with the client. Each measurement starts on a
# quiet machine (bench/lib/quiet.sh): the daemon's spare runtimes, here and on the host, warm up
# after a run, and a peer measured meanwhile would pay for them.
#
# Usage: bench/remote-run.sh [--runs N] [--width W] [--height H] [--samples S] [--skip-render]   (as root)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3; width=640; height=480; samples=32; render=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --width) width=$2; shift 2 ;;
    --height) height=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --skip-render) render=0; shift ;;
    *) echo "usage: bench/remote-run.sh [--runs N] [--width W] [--height H] [--samples S] [--skip-render]" >&2; exit 64 ;;
  esac
done
# shellcheck source=../scripts/lib/env.sh
. "$root/scripts/lib/env.sh"
confide_find_jdk
# shellcheck source=lib/sshd.sh
. "$root/bench/lib/sshd.sh"
# shellcheck source=lib/quiet.sh
. "$root/bench/lib/quiet.sh"
confide="$root/confide"
"$confide" --version >/dev/null
work=$(mktemp -d)
remote_dir=.confide-bench-$$
cleanup() {
  CONFIDE_CONFIG_DIR=$work/config CONFIDE_DATA_DIR=$work/data XDG_RUNTIME_DIR=$work/xdg "$confide" daemon stop >/dev/null 2>&1 || true
  bench_sshd_stop
  rm -rf "$work" "/home/confide-host/$remote_dir"
}
trap cleanup EXIT
bench_sshd_start
export CONFIDE_CONFIG_DIR=$work/config CONFIDE_DATA_DIR=$work/data XDG_RUNTIME_DIR=$work/xdg
mkdir -p -m 700 "$work/xdg" "$work/config"
cp "$SSHD_KNOWN" "$work/config/known_hosts"
"$confide" host add bench --ssh "confide-host@127.0.0.1:$SSHD_PORT" --identity "$SSHD_KEY" --remote-dir "$remote_dir" >/dev/null
"$confide" host check bench --confirm python --confirm blender >/dev/null
ssh_opts=(-q -i "$SSHD_KEY" -p "$SSHD_PORT" -o UserKnownHostsFile="$SSHD_KNOWN" -o BatchMode=yes)
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }

mkdir -p "$work/empty"
: > "$work/empty/main.py"
# warm-ups: the embedded CAS, the identity, the host's runtime install and key, the daemon
"$confide" run --host bench --application python --inputs "$work/empty" --outputs "$work/warm-remote" >/dev/null 2>>"$work/err.log"
"$confide" run --application python --inputs "$work/empty" --outputs "$work/warm-local" >/dev/null 2>>"$work/err.log"

results=$work/results.tsv
: > "$results"
for i in $(seq 1 "$runs"); do
  bench_quiet
  t0=$(now); ssh "${ssh_opts[@]}" confide-host@127.0.0.1 true; t1=$(now)
  printf 'ssh_true\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  bench_quiet
  t0=$(now); "$confide" run --application python --inputs "$work/empty" --outputs "$work/local-$i" >/dev/null 2>>"$work/err.log"; t1=$(now)
  printf 'local_empty\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
  bench_quiet
  t0=$(now); "$confide" run --host bench --application python --inputs "$work/empty" --outputs "$work/remote-$i" --json \
    > "$work/remote-$i.json" 2>>"$work/err.log"; t1=$(now)
  printf 'remote_empty\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
done
if [ "$render" = 1 ]; then
  mkdir -p "$work/sphere"
  cp "$root/examples/blender/simple_sphere/main.py" "$work/sphere/"
  printf '{"width": %s, "height": %s, "samples": %s}\n' "$width" "$height" "$samples" > "$work/sphere/render.json"
  for i in $(seq 1 "$runs"); do
    mkdir -p "$work/native-$i"
    bench_quiet
    t0=$(now); blender -b --factory-startup -noaudio -P "$work/sphere/main.py" -- "$work/native-$i" >/dev/null 2>&1; t1=$(now)
    printf 'blender_native\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
    bench_quiet
    t0=$(now); "$confide" run --host bench --application blender --inputs "$work/sphere" --outputs "$work/render-$i" --json \
      > "$work/render-$i.json" 2>>"$work/err.log"; t1=$(now)
    printf 'blender_remote\t%s\n' "$(elapsed "$t0" "$t1")" >> "$results"
    [ -s "$work/render-$i/simple_sphere.png" ] || { echo "bench: run $i rendered nothing" >&2; tail "$work/err.log" >&2; exit 1; }
  done
fi
python3 - "$results" "$work" "$render" "$width" "$height" "$samples" <<'PY'
import glob, json, os, statistics, sys
results, work, render = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
times = {}
for line in open(results):
    k, v = line.split()
    times.setdefault(k, []).append(float(v))
med = {k: statistics.median(v) for k, v in times.items()}
cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": ")
print(f"machine: {os.cpu_count()} cores, {cpu}; alternating runs, medians")
print("| measure | median s | runs |")
print("|---|---|---|")
for k in ["ssh_true", "local_empty", "remote_empty", "blender_native", "blender_remote"]:
    if k in med:
        print(f"| {k} | {med[k]:.3f} | {' '.join(f'{x:.2f}' for x in times[k])} |")
peer = med["ssh_true"] + med["local_empty"]
print(f"empty remote run {med['remote_empty']:.3f} s against ssh true + an empty local run {peer:.3f} s: "
      f"{med['remote_empty'] / peer:.2f}x")
if render:
    print(f"render {sys.argv[4]}x{sys.argv[5]}, {sys.argv[6]} samples through the loopback host: remote / native = "
          f"{med['blender_remote'] / med['blender_native']:.3f} (goal <= 1.10)")
for label, pattern in [("empty remote run", "remote-*.json"), ("remote render", "render-*.json")]:
    phases = {}
    for f in sorted(glob.glob(os.path.join(work, pattern))):
        for k, v in json.load(open(f))["phases_ms"].items():
            phases.setdefault(k, []).append(v)
    if phases:
        print(f"{label}, phases (ms, medians): " + ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in phases.items()))
PY
