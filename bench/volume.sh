#!/usr/bin/env bash
# End-to-end benchmark of the file shield against its peers, on the same files in the same run:
#   1 GiB file:            confide seal/open  vs  openssl enc -aes-256-ctr (file to file), age
#   10,000 files of 4 KiB: confide seal/open  vs  tar c / tar x
# Each confide command is measured twice: handed to the user's warm daemon (what ./confide does;
# the daemon is started and warmed before the timings) and as a cold JVM of its own (CONFIDE_DAEMON=off);
# --warm adds in-JVM repeats.
# --memory seals a 4 GiB file with -Xmx256m and reports the peak RSS.
# --trees adds authenticated trees: tree authenticate|verify of the same two inputs against
#   openssl dgst -sha256 (1 GiB) and sha256sum over every file (10,000 files).
#
# Usage: bench/volume.sh [--runs N] [--dir DIR] [--warm] [--memory] [--trees]
# DIR (default bench/work) should be on the disk you care about; it needs about 4 GiB free
# (10 GiB with --memory). Results are printed as Markdown for docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=3
dir="$root/bench/work"
warm=0
memory=0
trees=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --warm) warm=1; shift ;;
    --memory) memory=1; shift ;;
    --trees) trees=1; shift ;;
    *) echo "usage: bench/volume.sh [--runs N] [--dir DIR] [--warm] [--memory] [--trees]" >&2; exit 64 ;;
  esac
done

need=()
for tool in openssl age tar bc; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "bench/volume.sh: install ${need[*]} first (apt-get install ${need[*]})" >&2
    exit 69
  fi
fi

confide="$root/confide"
"$confide" --version >/dev/null   # build once, outside the timings
mkdir -p "$dir"
cd "$dir"

# --- inputs -----------------------------------------------------------------------------------
if [ ! -f big/one.bin ] || [ "$(stat -c %s big/one.bin)" != 1073741824 ]; then
  mkdir -p big && head -c 1073741824 /dev/urandom > big/one.bin
fi
if [ ! -d small ] || [ "$(find small -type f | wc -l)" != 10000 ]; then
  rm -rf small && mkdir -p small
  for d in $(seq -w 0 99); do
    mkdir -p "small/d$d"
    for f in $(seq -w 0 99); do head -c 4096 /dev/urandom > "small/d$d/f$f"; done
  done
fi

key=$(openssl rand -hex 32)
iv=$(openssl rand -hex 16)
rm -f age.key && age-keygen -o age.key 2>/dev/null
recipient=$(age-keygen -y age.key)

# settle: flush dirty data so one measurement does not pay for the previous one's writes
settle() { sync; sleep 1; }

# time_once CLEANUP COMMAND -> prints seconds (COMMAND is a shell command line)
time_once() {
  eval "$1"
  settle
  local t0 t1
  t0=$(date +%s.%N)
  eval "$2" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}

# The contenders of one case run in turns, one round after the other (round 1: confide through
# the daemon, confide in a cold JVM, each peer; then round 2 ...), so that all of them meet the
# same state of this noisy disk; measured back to back instead, they were minutes apart and the
# 10,000-file seal read 0.55 s in the script against 0.33 s in alternating pairs (session 7).
declare -A cleanup_of command_of samples
contender() { cleanup_of[$1]=$2; command_of[$1]=$3; } # contender NAME CLEANUP COMMAND
race() { # race NAME...: $runs rounds over these contenders
  local name
  for _ in $(seq 1 "$runs"); do
    for name; do samples[$name]+="$(time_once "${cleanup_of[$name]}" "${command_of[$name]}") "; done
  done
}
median() { # median NAME: of its samples, in seconds
  printf '%s\n' ${samples[$1]} | sort -g | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'
}

ratio() { echo "scale=2; $1 / $2" | bc -l; }

sealed_tag() { sed -n 's/^ *"tag" : "\([0-9a-f]*\)".*/\1/p' "$1"; }

# The daemon starts outside the timings and serves each kind of command first until it is warm:
# its JIT compiles the per-file code over the first several commands (10,000-file seals through
# the daemon, session 6: 6.0 s with its start, then 0.56, 0.61, 0.57, 0.50, 0.49, 0.47, 0.43,
# 0.42 s), and a daemon in use has long done that. The cold-JVM column is the other end.
export CONFIDE_DAEMON=on
for round in 1 2 3 4 5 6 7 8; do
  rm -rf vbig vbig.key obig vsmall vsmall.key osmall
  if [ "$round" -le 2 ]; then
    "$confide" volume seal big vbig --key-out vbig.key --json > vbig.json
    "$confide" volume open vbig obig --key-file vbig.key --tag "$(sealed_tag vbig.json)" >/dev/null
  fi
  "$confide" volume seal small vsmall --key-out vsmall.key --json > vsmall.json
  "$confide" volume open vsmall osmall --key-file vsmall.key --tag "$(sealed_tag vsmall.json)" >/dev/null
done
rm -rf vbig vbig.key obig vsmall vsmall.key osmall
unset CONFIDE_DAEMON

for m in on off; do
  contender "conf_seal_big_$m" 'rm -rf vbig vbig.key' "CONFIDE_DAEMON=$m '$confide' volume seal big vbig --key-out vbig.key --json"
  contender "conf_seal_small_$m" 'rm -rf vsmall vsmall.key' "CONFIDE_DAEMON=$m '$confide' volume seal small vsmall --key-out vsmall.key --json"
done
contender ssl_enc 'rm -f one.enc' "openssl enc -aes-256-ctr -K $key -iv $iv -in big/one.bin -out one.enc"
contender ssl_enc_sync 'rm -f one.enc' "openssl enc -aes-256-ctr -K $key -iv $iv -in big/one.bin -out one.enc && sync -f one.enc"
contender ssl_dec 'rm -f one.dec' "openssl enc -d -aes-256-ctr -K $key -iv $iv -in one.enc -out one.dec"
contender age_enc 'rm -f one.age' "age -r $recipient -o one.age big/one.bin"
contender age_dec 'rm -f one.age.dec' "age -d -i age.key -o one.age.dec one.age"
contender tar_c 'rm -f small.tar' "tar cf small.tar small"
contender tar_c_sync 'rm -f small.tar' "tar cf small.tar small && sync -f small.tar"
contender tar_x 'rm -rf xsmall; mkdir xsmall' "tar xf small.tar -C xsmall"

opens_of() { # opens_of NAME VOLUME OUT: a fresh volume of NAME and the contenders that open it
  rm -rf "$2" "$2.key"
  CONFIDE_DAEMON=on "$confide" volume seal "$1" "$2" --key-out "$2.key" --json > "$2.json"
  local tag m
  tag=$(sealed_tag "$2.json")
  for m in on off; do
    contender "conf_open_$1_$m" "rm -rf $3" "CONFIDE_DAEMON=$m '$confide' volume open $2 $3 --key-file $2.key --tag $tag"
  done
}

# --- 1 GiB ------------------------------------------------------------------------------------
race conf_seal_big_on conf_seal_big_off ssl_enc ssl_enc_sync age_enc
# the openssl and age files the decryptions read are the last ones their seals wrote
opens_of big vbig obig
race conf_open_big_on conf_open_big_off ssl_dec age_dec

# --- 10,000 x 4 KiB ----------------------------------------------------------------------------
race conf_seal_small_on conf_seal_small_off tar_c tar_c_sync
opens_of small vsmall osmall
race conf_open_small_on conf_open_small_off tar_x

cat <<MD
Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB;
filesystem of $dir: $(df -T "$dir" | awk 'NR==2{print $2}'); $(/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -version 2>&1 | head -1);
$(openssl version); age $(age --version); median of $runs runs, each after \`sync\`; the contenders of a case run in turns.

| case | confide (daemon) | confide (cold JVM) | peer | peer time | ratio daemon/peer | ratio cold/peer |
|---|---|---|---|---|---|---|
MD
row() { # row CASE CONFIDE-NAME PEER-LABEL PEER-NAME
  local on off peer
  on=$(median "${2}_on"); off=$(median "${2}_off"); peer=$(median "$4")
  echo "| $1 | $on s | $off s | $3 | $peer s | $(ratio "$on" "$peer") | $(ratio "$off" "$peer") |"
}
row "seal 1 GiB" conf_seal_big "openssl enc -aes-256-ctr" ssl_enc
row "seal 1 GiB" conf_seal_big "openssl enc + sync -f (durable, as confide is)" ssl_enc_sync
row "seal 1 GiB" conf_seal_big "age -r" age_enc
row "open 1 GiB" conf_open_big "openssl enc -d" ssl_dec
row "open 1 GiB" conf_open_big "age -d" age_dec
row "seal 10,000 × 4 KiB" conf_seal_small "tar c" tar_c
row "seal 10,000 × 4 KiB" conf_seal_small "tar c + sync -f (durable, as confide is)" tar_c_sync
row "open 10,000 × 4 KiB" conf_open_small "tar x" tar_x

if [ "$trees" = 1 ]; then
  # the manifest goes beside the tree, so that the tree itself stays as the other cases read it
  for input in big small; do
    for m in on off; do
      contender "conf_auth_${input}_$m" "rm -f $input.tree $input.tree.key" \
        "CONFIDE_DAEMON=$m '$confide' tree authenticate $input --key-out $input.tree.key --manifest $input.tree --json"
    done
  done
  contender dgst_big '' "openssl dgst -sha256 big/one.bin"
  contender sums_small '' "find small -type f -print0 | xargs -0 sha256sum"
  race conf_auth_big_on conf_auth_big_off dgst_big
  race conf_auth_small_on conf_auth_small_off sums_small
  for input in big small; do
    rm -f "$input.tree" "$input.tree.key"
    CONFIDE_DAEMON=on "$confide" tree authenticate "$input" --key-out "$input.tree.key" --manifest "$input.tree" --json > "$input.tree.json"
    for m in on off; do
      contender "conf_check_${input}_$m" '' "CONFIDE_DAEMON=$m '$confide' tree verify $input --key-file $input.tree.key \
        --tag $(sealed_tag "$input.tree.json") --manifest $input.tree"
    done
  done
  race conf_check_big_on conf_check_big_off dgst_big
  race conf_check_small_on conf_check_small_off sums_small
  row "tree authenticate 1 GiB" conf_auth_big "openssl dgst -sha256" dgst_big
  row "tree verify 1 GiB" conf_check_big "openssl dgst -sha256" dgst_big
  row "tree authenticate 10,000 × 4 KiB" conf_auth_small "sha256sum of each file" sums_small
  row "tree verify 10,000 × 4 KiB" conf_check_small "sha256sum of each file" sums_small
  rm -f big.tree* small.tree*
fi
if [ -n "${CONFIDE_BENCH_SAMPLES:-}" ]; then # every sample, in run order, for the docs' history
  for name in "${!samples[@]}"; do echo "$name: ${samples[$name]}"; done | sort
fi

if [ "$warm" = 1 ]; then
  jar="$root/benchmarks/target/benchmarks.jar"
  [ -f "$jar" ] || (cd "$root" && ./mvnw -q -DskipTests -pl benchmarks -am package >/dev/null)
  java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  jit=(-XX:CompileCommand=quiet '-XX:CompileCommand=CompileThresholdScaling,com.sun.crypto.provider.*::*,0.01')  # as ./confide
  echo
  echo "In one JVM (run 1 cold, later runs warm):"
  echo '```'
  echo "1 GiB file:"; "$java" --enable-native-access=ALL-UNNAMED "${jit[@]}" -cp "$jar" dev.confide.volume.WarmRuns big "$dir/warm" 3
  echo "10,000 x 4 KiB:"; "$java" --enable-native-access=ALL-UNNAMED "${jit[@]}" -cp "$jar" dev.confide.volume.WarmRuns small "$dir/warm" 5
  echo '```'
fi

if [ "$memory" = 1 ]; then
  mkdir -p huge
  [ -f huge/four.bin ] || head -c 4294967296 /dev/urandom > huge/four.bin
  rm -rf vhuge vhuge.key; settle
  # in a JVM of its own: -Xmx256m must reach the JVM that seals
  rss=$( { CONFIDE_DAEMON=off CONFIDE_JAVA_OPTS=-Xmx256m /usr/bin/time -f '%M %e' "$confide" volume seal huge vhuge --key-out vhuge.key >/dev/null; } 2>&1 | tail -1)
  echo
  echo "4 GiB file sealed with -Xmx256m: peak RSS $(( ${rss% *} / 1024 )) MiB, ${rss#* } s"
  rm -rf vhuge vhuge.key
fi
