#!/usr/bin/env bash
# Upload and download through `confide run --host` against scp, to the same loopback OpenSSH sshd
# (bench/lib/sshd.sh: a separate account, throwaway keys), alternating, medians and ratio for
# docs/benchmarks.md.
#
# Confide: through the daemon, a run of the python application whose inputs are SIZE MiB of random bytes and whose
# script copies them to its outputs; its `--json` report times "upload inputs" (the sealed
# volume, SFTP) and "download outputs". scp: the same plaintext file up and down (OpenSSH 9's
# scp speaks SFTP), with its default cipher. Sealed volumes are a few KiB larger than the
# plaintext: the rates count each side's own bytes.
#
# Usage: bench/transfer.sh [--rounds N] [--size MiB]     (as root: sshd logs in as confide-host)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=3; size=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    *) echo "usage: bench/transfer.sh [--rounds N] [--size MiB]" >&2; exit 64 ;;
  esac
done
# shellcheck source=lib/sshd.sh
. "$root/bench/lib/sshd.sh"
work=$(mktemp -d)
remote_dir=.confide-bench-$$
cleanup() {
  "$root/confide" daemon stop >/dev/null 2>&1 || true
  bench_sshd_stop
  rm -rf "$work" "/home/confide-host/$remote_dir" /home/confide-host/scp-bench-$$.bin
}
trap cleanup EXIT
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
bench_sshd_start
# runs go through the user's warm daemon, as ./confide run sends them (CONFIDE_DAEMON=off: a JVM each)
export CONFIDE_CONFIG_DIR=$work/config CONFIDE_DATA_DIR=$work/data XDG_RUNTIME_DIR=$work/xdg
mkdir -p -m 700 "$work/xdg" "$work/config"
cp "$SSHD_KNOWN" "$work/config/known_hosts"
"$root/confide" host add bench --ssh "confide-host@127.0.0.1:$SSHD_PORT" --identity "$SSHD_KEY" --remote-dir "$remote_dir" >/dev/null
"$root/confide" host check bench --confirm python >/dev/null
# a first run starts the daemon and installs the runtime there
mkdir -p "$work/warm"
: > "$work/warm/main.py"
"$root/confide" run --host bench --application python --inputs "$work/warm" --outputs "$work/warm-out" >/dev/null 2>&1
mkdir -p "$work/in"
head -c "$((size << 20))" /dev/urandom > "$work/in/data.bin"
printf 'import shutil\nshutil.copyfile("/encryptedInputs/data.bin", "/encryptedOutputs/data.bin")\n' > "$work/in/main.py"
bytes=$(stat -c %s "$work/in/data.bin")
scp_opts=(-q -i "$SSHD_KEY" -P "$SSHD_PORT" -o UserKnownHostsFile="$SSHD_KNOWN" -o BatchMode=yes)

ms() { python3 -c 'import time; print(int(time.monotonic()*1000))'; }
printf 'round  confide_up_MBps confide_down_MBps  scp_up_MBps scp_down_MBps\n'
results=()
for i in $(seq 1 "$rounds"); do
  rm -rf "$work/out"
  "$root/confide" run --host bench --application python --inputs "$work/in" --outputs "$work/out" --json \
    >"$work/run.json" 2>"$work/run.err" || { cat "$work/run.err" >&2; exit 1; }
  phases=$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["phases_ms"]; print(p["upload inputs"], p["download outputs"])' \
    "$work/run.json")
  cmp -s "$work/in/data.bin" "$work/out/data.bin" || { echo "bench: the run's output differs from its input" >&2; exit 1; }
  read -r cu cd <<<"$phases"
  t0=$(ms); scp "${scp_opts[@]}" "$work/in/data.bin" "confide-host@127.0.0.1:scp-bench-$$.bin"; t1=$(ms)
  scp "${scp_opts[@]}" "confide-host@127.0.0.1:scp-bench-$$.bin" "$work/scp-back.bin"; t2=$(ms)
  rm -f "$work/scp-back.bin"
  line=$(python3 -c "b=$bytes/1e6; print('%.0f %.0f %.0f %.0f' % (b/($cu/1e3), b/($cd/1e3), b/(($t1-$t0)/1e3), b/(($t2-$t1)/1e3)))")
  results+=("$line")
  printf '%5d  %s\n' "$i" "$line"
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics as s
rows=[list(map(float, l.split())) for l in sys.stdin if l.strip()]
cu, cd, su, sd = (s.median(c) for c in zip(*rows))
print("median MB/s: confide up %.0f down %.0f, scp up %.0f down %.0f; ratio up %.2fx down %.2fx" % (cu, cd, su, sd, cu/su, cd/sd))'
