#!/usr/bin/env bash
# Load on a running CAS: N concurrent mTLS clients on loopback, each alternating a session read and
# a tag swap of its own volume, for S seconds; once on H2 (the default) and once on PostgreSQL.
# The CAS runs as `./confide cas start` in its own JVM; the clients run in another (CasLoad).
# Each CAS is first loaded unmeasured for W seconds (its JIT is still compiling a minute in).
# Then, on the same warm CAS and connections: a closed loop (each caller sends when answered: the
# most the CAS does) and an open loop at R swaps/s and as many reads (latency counted from when
# each request was due). Prints Markdown rows for docs/benchmarks.md: operation, count,
# throughput, p50, p99, errors; on stderr the CAS's CPU share and the open loop's slow seconds.
#
# Usage: bench/cas.sh [--clients N] [--seconds S] [--warmup W] [--rate R] [--db h2|postgresql|both]
#                     [--pg-setting NAME=VALUE]...
#   --rate 0 leaves out the open loop; --pg-setting passes a server setting to the bench's PostgreSQL.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clients=64
seconds=30
warmup=60
rate=2000
dbs="h2 postgresql"
pgconf=""
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --pg-setting) pgconf="${pgconf:+$pgconf,}$2"; shift 2 ;;
    --db) case "$2" in both) dbs="h2 postgresql" ;; h2|postgresql) dbs=$2 ;; *) echo "--db h2|postgresql|both" >&2; exit 64 ;; esac; shift 2 ;;
    *) echo "usage: bench/cas.sh [--clients N] [--seconds S] [--warmup W] [--rate R] [--db h2|postgresql|both] [--pg-setting NAME=VALUE]..." >&2; exit 64 ;;
  esac
done
# shellcheck source=lib/cas-bench.sh
. "$root/bench/lib/cas-bench.sh"
cas_bench_setup cas

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts the CAS in the background and waits for its report; sets url and fingerprint.
start_cas() {
  local log=$1; shift
  "$confide" cas start --listen 127.0.0.1:0 --json "$@" >"$log" 2>"$log.err" &
  pids+=($!)
  for _ in $(seq 1 600); do
    if grep -q '^}' "$log" 2>/dev/null; then break; fi
    sleep 0.1
  done
  url=$(sed -n 's/.*"url" : "\(.*\)".*/\1/p' "$log")
  fingerprint=$(sed -n 's/.*"fingerprint" : "\(.*\)".*/\1/p' "$log")
  if [ -z "$url" ]; then echo "bench/cas.sh: the CAS did not start:" >&2; cat "$log.err" >&2; exit 69; fi
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
echo "| storage | operation | count | throughput | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|---|"
for db in $dbs; do
  case "$db" in
    h2)
      start_cas "$work/cas-h2.json" --data "$work/cas-h2" ;;
    postgresql)
      exec {pg_in}< <(sleep infinity)
      # the script's closing 'wait' would wait for this sleep too
      pids+=($!)
      "${java[@]}" -cp "$jar" -Dbench.pglog="$work/pglog" -Dbench.pgconf="$pgconf" dev.confide.bench.PostgresForBench <&"$pg_in" >"$work/pg.url" 2>"$work/pg.err" &
      pids+=($!)
      for _ in $(seq 1 600); do [ -s "$work/pg.url" ] && break; sleep 0.1; done
      start_cas "$work/cas-pg.json" --data "$work/cas-pg" --db "$(head -1 "$work/pg.url")" ;;
  esac
  checkpoint=()
  [ "$db" = postgresql ] && checkpoint=(-Dbench.checkpoint="$(head -1 "$work/pg.url")")
  "${java[@]}" "${checkpoint[@]}" -cp "$jar" dev.confide.bench.CasLoad "$url" "$fingerprint" "$CONFIDE_CONFIG_DIR/identity" \
    "$clients" "$seconds" "$db" "$warmup" "$rate" "${pids[-1]}"
  cleanup
  pids=()
done
