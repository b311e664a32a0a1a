#!/usr/bin/env bash
# SEV-SNP report verifications per second on one core (docs/benchmarks.md, issue 17): Confide's
# SnpVerifier under JMH (a real Genoa report, its VCEK cached), beside openssl doing the same
# signature checks on this machine: three RSA-4096 verifications (ARK, ASK, VCEK) and one ECDSA
# P-384 (the report), from `openssl speed`. go-sev-guest cannot be built here (no Go module proxy).
#
# Usage: bench/snp-verify.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# clean: the shaded jar otherwise keeps classes of an earlier build
./mvnw -q -o install -DskipTests -pl benchmarks -am >/dev/null && ./mvnw -q -o clean package -DskipTests -pl benchmarks >/dev/null
confide=$("$java" -jar benchmarks/target/benchmarks.jar SnpVerifyBenchmark -f 1 -wi 3 -i 5 -w 2 -r 2 -rf csv -rff /tmp/snp-bench.csv \
  >/dev/null 2>&1 && awk -F, 'NR==2 {print $5}' /tmp/snp-bench.csv)
speed=$(openssl speed -seconds 3 rsa4096 ecdsap384 2>/dev/null)
rsa=$(echo "$speed" | awk '/^rsa 4096 bits/ {print $NF}')
ecdsa=$(echo "$speed" | awk '/384 bits ecdsa/ {print $NF}')
python3 - "$confide" "$rsa" "$ecdsa" <<'PY'
import sys
confide, rsa, ecdsa = (float(x) for x in sys.argv[1:])
openssl = 1 / (3 / rsa + 1 / ecdsa)
print(f"confide SnpVerifier: {confide:.0f} verifications/s (one thread)")
print(f"openssl, same signatures: {openssl:.0f}/s (rsa4096 verify {rsa:.0f}/s, ecdsa p384 verify {ecdsa:.0f}/s)")
print(f"confide / openssl = {confide / openssl:.2f} (goal: within 2x of the Go verifiers)")
PY
