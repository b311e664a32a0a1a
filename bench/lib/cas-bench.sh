# shellcheck shell=bash
# cas_bench_setup NAME: what the CAS benches share. Finds the JDK, builds Confide and the
# benchmarks jar when their sources changed, and makes a fresh work folder bench/work/NAME with
# an identity of its own. Sets: confide, jar, java (an array), work; exports CONFIDE_CONFIG_DIR and
# CONFIDE_DATA_DIR. Expects $root.
cas_bench_setup() {
  # shellcheck source=../../scripts/lib/env.sh
  . "$root/scripts/lib/env.sh"
  confide_find_jdk
  confide="$root/confide"
  "$confide" --version >/dev/null
  jar="$root/benchmarks/target/benchmarks.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/benchmarks/src" "$root/confide-cas/src" -newer "$jar" -print -quit)" ]; then
    (cd "$root" && ./mvnw -q -Dmaven.test.skip=true -pl benchmarks -am package)
  fi
  java=("$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow)
  work="$root/bench/work/$1"
  rm -rf "$work"
  mkdir -p "$work"
  export CONFIDE_CONFIG_DIR="$work/config" CONFIDE_DATA_DIR="$work/data"
  "$confide" identity create >/dev/null
}
