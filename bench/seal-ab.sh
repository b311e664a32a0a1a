#!/usr/bin/env bash
# A/B of the 10,000-file seal between this working tree and another revision, on the same files at
# the same moments: each round seals once through this tree's warm daemon, once through the other
# build's, and runs `tar cf` once, each after `sync; sleep 1`. Changes worth 10-30 ms are lost in
# this disk's drift between separate runs of bench/volume.sh; alternating shows them.
#
# Usage: bench/seal-ab.sh [--rounds N] [--warm W] [--dir DIR] REV
# REV is built in a temporary git worktree (mvn package, nothing installed). DIR holds `small`,
# as bench/volume.sh makes it (default bench/work). Prints each side's samples and medians in ms.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=9 warm=12 dir="$root/bench/work"
while [ $# -gt 1 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --warm) warm=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: bench/seal-ab.sh [--rounds N] [--warm W] [--dir DIR] REV" >&2; exit 64; }
[ -d "$dir/small" ] || { echo "bench/seal-ab.sh: no $dir/small; run bench/volume.sh once to make it" >&2; exit 66; }
rev=$(git -C "$root" rev-parse --verify "$1^{commit}") || exit 64

other=$(mktemp -d) runtimes=$(mktemp -d)
cleanup() {
  CONFIDE_DAEMON=on XDG_RUNTIME_DIR="$runtimes/a" "$root/confide" daemon stop >/dev/null 2>&1 || true
  CONFIDE_DAEMON=on XDG_RUNTIME_DIR="$runtimes/b" "$other/confide" daemon stop >/dev/null 2>&1 || true
  git -C "$root" worktree remove --force "$other" >/dev/null 2>&1 || true
  rm -rf "$runtimes" "$dir"/ab-vol-* "$dir"/ab-small.tar
}
trap cleanup EXIT
git -C "$root" worktree add -q --detach "$other" "$rev"
echo "building $rev in $other ..." >&2
(cd "$other" && ./mvnw -q -o package -Dmaven.test.skip=true -pl confide-cli -am >/dev/null) \
  || (cd "$other" && ./mvnw -q package -Dmaven.test.skip=true -pl confide-cli -am >/dev/null)
mkdir -m 700 "$runtimes/a" "$runtimes/b"   # one daemon per build: each its own private runtime folder

seal() { # seal a|b: one seal of small through that side's daemon
  local launcher=$root/confide
  [ "$1" = b ] && launcher=$other/confide
  rm -rf "$dir/ab-vol-$1" "$dir/ab-vol-$1.key"
  CONFIDE_DAEMON=on XDG_RUNTIME_DIR="$runtimes/$1" "$launcher" volume seal "$dir/small" "$dir/ab-vol-$1" \
    --key-out "$dir/ab-vol-$1.key" --json >/dev/null
}
for _ in $(seq "$warm"); do seal a; seal b; done   # starts both daemons and warms their JIT

declare -A samples
for _ in $(seq "$rounds"); do
  for side in a b tar; do
    rm -rf "$dir/ab-vol-$side" "$dir/ab-vol-$side.key" "$dir/ab-small.tar"
    sync; sleep 1
    t0=$(date +%s%N)
    if [ "$side" = tar ]; then tar cf "$dir/ab-small.tar" -C "$dir" small; else seal "$side"; fi
    samples[$side]+="$(( ($(date +%s%N) - t0) / 1000000 )) "
  done
done
for side in a b tar; do
  label=$side
  [ "$side" = a ] && label="this tree"
  [ "$side" = b ] && label="$rev"
  median=$(printf '%s\n' ${samples[$side]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$label: ${samples[$side]}(median $median ms)"
done
