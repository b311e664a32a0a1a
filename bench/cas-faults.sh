#!/usr/bin/env bash
# CAS replicas on one PostgreSQL behind HAProxy (issue 20, docs/benchmarks.md, docs/cas-api.md):
# 1. what each replica adds: the closed loop of bench/cas.sh (CasLoad, 64 callers) straight to one
#    CAS, then through HAProxy to 1, 2 and 3 replicas;
# 2. faults under 64 callers swapping (CasFaultLoad): K kill -9 of a random replica (restarted
#    at once on its port), a PostgreSQL restart, a 3 s SIGSTOP of every PostgreSQL process; then
#    every volume is read back (acknowledged swaps lost, swaps applied twice) and the audit chain
#    verified with `confide cas audit --verify`.
# PostgreSQL and HAProxy are Debian's (installed when missing and run as root); PostgreSQL keeps its
# durable defaults (fsync, synchronous_commit on). HAProxy probes each replica's /health/ready.
#
# Usage: bench/cas-faults.sh [--clients N] [--kills K] [--replicas R] [--seconds S] [--faults-only]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
clients=64; kills=20; replicas=3; seconds=20; scale=1
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients=$2; shift 2 ;;
    --kills) kills=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --faults-only) scale=; shift ;;
    *) echo "usage: bench/cas-faults.sh [--clients N] [--kills K] [--replicas R] [--seconds S] [--faults-only]" >&2; exit 64 ;;
  esac
done
need=()
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "bench/cas-faults.sh: install ${need[*]} first (apt-get install ${need[*]})" >&2; exit 69
  fi
fi
# shellcheck source=lib/cas-bench.sh
. "$root/bench/lib/cas-bench.sh"
cas_bench_setup cas-faults
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }

pids=()
cleanup() {
  for p in "${pids[@]}" "${cas_pid[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${pgdata:-}" ] && [ -f "$pgdata/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1
  wait 2>/dev/null || true
}
trap cleanup EXIT

# PostgreSQL: a cluster of its own, run as the postgres account when this is root (it refuses root)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgdata="$work/pg"
mkdir -p "$pgdata"
[ "$(id -u)" = 0 ] && chown postgres "$pgdata" && chmod 0700 "$pgdata"
as_pg "$pgbin/initdb" -D "$pgdata" -U postgres -A trust >/dev/null
pgport=$(free_port)
pg_start() {
  as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w -o "-p $pgport -k $pgdata -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
}
pg_start
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres cas
db="jdbc:postgresql://127.0.0.1:$pgport/cas?user=postgres"

# CAS replicas: the first makes the keys, the others get copies of the four key files
declare -a cas_pid cas_port
for i in $(seq 0 $((replicas - 1))); do cas_port[$i]=$(free_port); done
start_replica() { # start_replica I: starts replica I on its port and waits until it serves
  local i=$1 log="$work/cas-$1.json"
  : > "$log"
  "$confide" cas start --data "$work/cas-$i" --listen "127.0.0.1:${cas_port[$i]}" --db "$db" --json >"$log" 2>>"$work/cas-$i.err" &
  cas_pid[$i]=$!
  for _ in $(seq 1 600); do grep -q '^}' "$log" 2>/dev/null && return 0; sleep 0.05; done
  echo "bench/cas-faults.sh: replica $i did not start:" >&2; cat "$work/cas-$i.err" >&2; exit 69
}
start_replica 0
url0=$(sed -n 's/.*"url" : "\(.*\)".*/\1/p' "$work/cas-0.json")
fingerprint=$(sed -n 's/.*"fingerprint" : "\(.*\)".*/\1/p' "$work/cas-0.json")
for i in $(seq 1 $((replicas - 1))); do
  mkdir -p "$work/cas-$i/tls" && chmod 0700 "$work/cas-$i"
  for f in master-key.json tls/key.pem tls/cert.pem audit-key; do cp -p "$work/cas-0/$f" "$work/cas-$i/$f"; done
  start_replica "$i"
done

# HAProxy in front of the first N replicas, probing /health/ready
front=$(free_port)
haproxy_pid=
haproxy_for() { # haproxy_for N
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null && wait "$haproxy_pid" 2>/dev/null || true
  {
    printf 'global\n  maxconn 2000\ndefaults\n  mode tcp\n  timeout connect 1s\n  timeout client 60s\n  timeout server 60s\n  timeout check 3s\n'
    printf '  retries 3\n  option redispatch\nfrontend cas\n  bind 127.0.0.1:%s\n  default_backend replicas\n' "$front"
    printf 'backend replicas\n  balance roundrobin\n  option httpchk\n'
    printf '  http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host cas\n'
    printf '  default-server check check-ssl verify none inter 250ms fall 3 rise 1 on-marked-down shutdown-sessions\n'
    for i in $(seq 0 $(($1 - 1))); do printf '  server r%s 127.0.0.1:%s\n' "$i" "${cas_port[$i]}"; done
  } > "$work/haproxy.cfg"
  haproxy -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  pids+=("$haproxy_pid")
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$front") 2>/dev/null && break; sleep 0.05; done
  sleep 1 # its first health checks
}
url="https://127.0.0.1:$front"

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), $(haproxy -v | head -1 | awk '{print $1, $3}')"
echo "| path | operation | count | throughput | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|---|"
load() { # load URL LABEL
  "${java[@]}" -cp "$jar" dev.confide.bench.CasLoad "$1" "$fingerprint" "$CONFIDE_CONFIG_DIR/identity" \
    "$clients" "$seconds" "$2" 10 0 2>"$work/load.err" | grep '^|'
  # what the errors were, if there were any
  grep '^error:' "$work/load.err" | head -3 >&2 || true
}
if [ -n "$scale" ]; then
  load "$url0" "one CAS, direct"
  for n in $(seq 1 "$replicas"); do
    haproxy_for "$n"
    load "$url" "HAProxy, $n replica(s)"
  done
fi

# faults under load, through HAProxy to every replica
haproxy_for "$replicas"
# the load runs until its input ends: the end of this sleep (replicas started later must not hold
# a writer to that input, as they would to a fifo opened here)
exec {load_in}< <(sleep infinity)
sleep_pid=$!
pids+=("$sleep_pid")
"${java[@]}" -cp "$jar" dev.confide.bench.CasFaultLoad "$url" "$fingerprint" "$CONFIDE_CONFIG_DIR/identity" "$clients" \
  "$work/timeline" <&"$load_in" > "$work/faults.out" 2>"$work/faults.err" &
load_pid=$!
sleep 5
events="$work/events"
: > "$events"
for k in $(seq 1 "$kills"); do
  sleep "$(python3 -c 'import random; print(round(random.uniform(0.5, 2.0), 2))')"
  victim=$((RANDOM % replicas))
  kill -9 "${cas_pid[$victim]}"
  wait "${cas_pid[$victim]}" 2>/dev/null || true
  echo "kill $(now_ms) r$victim" >> "$events"
  start_replica "$victim"
done
sleep 3
echo "pg_down $(now_ms)" >> "$events"
as_pg "$pgbin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
sleep 2
pg_start
echo "pg_back $(now_ms)" >> "$events"
sleep 6
postmaster=$(head -1 "$pgdata/postmaster.pid")
pg_pids=("$postmaster" $(pgrep -P "$postmaster"))
kill -STOP "${pg_pids[@]}"
echo "pg_stop $(now_ms)" >> "$events"
sleep 3
kill -CONT "${pg_pids[@]}"
echo "pg_cont $(now_ms)" >> "$events"
sleep 6
kill "$sleep_pid"
load_rc=0
wait "$load_pid" || load_rc=$?
python3 - "$work/timeline" "$events" "$(cat "$work/faults.out" | head -1)" <<'PY'
import sys
timeline = [tuple(map(int, l.split())) for l in open(sys.argv[1])]
events = [l.split() for l in open(sys.argv[2])]
def first_ack_after(t):
    for at, acked, failed in timeline:
        if at >= t and acked > 0:
            return at
    return None
def outage(t0, t1):
    # from the first failed bucket after t0 to the first acknowledged bucket after t1
    failed = [at for at, a, f in timeline if t0 - 100 <= at and f > 0]
    return failed[0] if failed else None
kills = [e for e in events if e[0] == "kill"]
print(f"kills: {len(kills)}")
ev = {e[0]: int(e[1]) for e in events if e[0] != "kill"}
back = first_ack_after(ev["pg_back"])
print(f"PostgreSQL restart: down at +0 ms, back at +{ev['pg_back'] - ev['pg_down']} ms; first swap acknowledged "
      f"{(back - ev['pg_back']) if back else 'never'} ms after it was back (100 ms buckets)")
cont = first_ack_after(ev["pg_cont"])
stalled = sum(a for at, a, f in timeline if ev["pg_stop"] + 200 <= at < ev["pg_cont"] - 100)
print(f"PostgreSQL stopped (SIGSTOP) for {ev['pg_cont'] - ev['pg_stop']} ms: swaps acknowledged meanwhile {stalled}; "
      f"first after SIGCONT {(cont - ev['pg_cont']) if cont else 'never'} ms later")
print(sys.argv[3])
PY
cat "$work/faults.err" >&2 || true
"$confide" cas add bench "$url0" --fingerprint "$fingerprint" >/dev/null
"$confide" cas audit --verify --cas bench 2>&1 | tail -2
exit "$load_rc"
