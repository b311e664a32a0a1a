#!/usr/bin/env bash
# A/B of a whole `confide run` between this working tree and another revision, phase by phase:
# each round runs the application once through each build's warm daemon (in turns, separate data
# and runtime folders) and prints the attest, program and total milliseconds of both.
#
# Usage: bench/run-phases-ab.sh [--rounds N] REV APP INPUTS
# REV is built in a temporary git worktree (mvn package, nothing installed).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rounds=5
if [ "${1:-}" = --rounds ]; then rounds=$2; shift 2; fi
[ $# -eq 3 ] || { echo "usage: bench/run-phases-ab.sh [--rounds N] REV APP INPUTS" >&2; exit 64; }
rev=$(git -C "$root" rev-parse --verify "$1^{commit}") || exit 64
app=$2 inputs=$(cd "$3" && pwd)

other=$(mktemp -d) homes=$(mktemp -d)
cleanup() {
  for side in a b; do
    tree=$root; [ $side = b ] && tree=$other
    XDG_RUNTIME_DIR="$homes/$side/xdg" CONFIDE_CONFIG_DIR="$homes/$side/config" CONFIDE_DATA_DIR="$homes/$side/data" \
      "$tree/confide" daemon stop >/dev/null 2>&1 || true
  done
  git -C "$root" worktree remove --force "$other" >/dev/null 2>&1 || true
  rm -rf "$homes"
}
trap cleanup EXIT
git -C "$root" worktree add -q --detach "$other" "$rev"
(cd "$other" && ./mvnw -q -o package -DskipTests >/dev/null)
mkdir -p -m 700 "$homes/a/xdg" "$homes/b/xdg"

run() { # run SIDE ROUND: prints "attest program total"
  local side=$1 tree=$root
  [ "$side" = b ] && tree=$other
  XDG_RUNTIME_DIR="$homes/$side/xdg" CONFIDE_CONFIG_DIR="$homes/$side/config" CONFIDE_DATA_DIR="$homes/$side/data" \
    "$tree/confide" run --application "$app" --inputs "$inputs" --outputs "$homes/$side/out-$2" --json 2>/dev/null \
    | python3 -c 'import json,sys; p=json.load(sys.stdin)["phases_ms"]; print(p["attest"], p["program"], sum(p.values()), " ".join(k.replace(" ","_")+"="+str(v) for k,v in p.items()))'
}
run a warm >/dev/null; run b warm >/dev/null   # start both daemons
echo "round  this:attest program total  ${rev:0:12}:attest program total"
for i in $(seq 1 "$rounds"); do
  echo "$i  $(run a "$i")  $(run b "$i")"
done
