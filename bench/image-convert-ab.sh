#!/usr/bin/env bash
# A/B of `confide image convert` between this working tree and another revision (docs/benchmarks.md,
# issue 18): the image of bench/image-convert.sh, converted by each build in turns (A: REV, B: this
# tree), each a fresh JVM (no daemon), `sync` and a second's pause before each; prints each run
# with the conversion's parts and the medians.
#
# Usage: bench/image-convert-ab.sh REV [ROUNDS]   (default 7; REV is built in a temporary git worktree)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
rev=${1:?usage: bench/image-convert-ab.sh REV [ROUNDS]}
rounds=${2:-7}
work=$(mktemp -d /var/tmp/confide-image-ab.XXXXXX)
other="$work/tree-$rev"
cleanup() { git -C "$root" worktree remove --force "$other" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git -C "$root" worktree add -q --detach "$other" "$rev"
"$other/confide" --version >/dev/null
"$root/confide" --version >/dev/null
# shellcheck source=lib/bench-image.sh
. "$root/bench/lib/bench-image.sh"
tar -C "$rootfs" --numeric-owner -cf "$work/layer.tar" .
bench_docker_archive
rm -f "$work/layer.tar"
export CONFIDE_DAEMON=off
convert() { # SIDE TREE
  CONFIDE_CONFIG_DIR="$work/config-$1" CONFIDE_DATA_DIR="$work/data-$1" "$2/confide" image convert --from "$work/base.tar" \
    --to "$work/out-$1.tar" --name bench --command "python3 /app/counter.py -v /V1/num" --encrypt /app --volume V1:/V1 \
    --session bench --force --json >"$work/convert-$1.json"
}
# a first conversion by each: its runtime layer goes into that side's cache
convert A "$other"; convert B "$root"
: >"$work/times"
for i in $(seq 1 "$rounds"); do
  for side in A B; do
    tree=$root; [ "$side" = A ] && tree=$other
    # the output is written afresh, as tar's is in bench/image-convert.sh (replacing a 400 MB file
    # costs ext4 about 0.25 s inside the rename that puts the new one in place)
    rm -f "$work/out-$side.tar"; sync; sleep 1
    t0=$(date +%s.%N); convert "$side" "$tree"; t1=$(date +%s.%N)
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    echo "$side $s" >>"$work/times"
    echo "$side $s $(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["millis"]; print(" ".join(f"{k}={v}" for k, v in m.items()))' "$work/convert-$side.json")"
  done
done
for side in A B; do
  echo "$side ($([ "$side" = A ] && echo "$rev" || echo "this tree")): median $(awk -v s="$side" '$1 == s {print $2}' "$work/times" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') s"
done
