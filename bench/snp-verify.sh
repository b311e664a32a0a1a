#!/usr/bin/env bash
# Hardware evidence verifications per second on one core (docs/benchmarks.md, issue 17): Confide's
# SnpVerifier and TdxVerifier under JMH (real vectors, collateral cached), beside openssl doing the
# same signature checks on this machine, from `openssl speed`: for SEV-SNP three RSA-4096
# verifications (ARK, ASK, VCEK) and one ECDSA P-384 (the report); for TDX nine ECDSA P-256 (PCK CA,
# PCK, TCB signing certificate, two CRLs, TCB Info, QE Identity, QE report, quote). go-sev-guest
# and go-tdx-guest cannot be built here (no Go module proxy; Debian ships neither).
#
# Usage: bench/snp-verify.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# clean: the shaded jar otherwise keeps classes of an earlier build
./mvnw -q -o install -DskipTests -pl benchmarks -am >/dev/null && ./mvnw -q -o clean package -DskipTests -pl benchmarks >/dev/null
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
"$java" -jar benchmarks/target/benchmarks.jar 'SnpVerifyBenchmark|TdxVerifyBenchmark' -f 1 -wi 3 -i 5 -w 2 -r 2 -rf csv -rff "$csv" >/dev/null 2>&1
snp=$(awk -F, '/SnpVerifyBenchmark/ {print $5}' "$csv")
tdx=$(awk -F, '/TdxVerifyBenchmark/ {print $5}' "$csv")
speed=$(openssl speed -seconds 3 rsa4096 ecdsap384 ecdsap256 2>/dev/null)
rsa=$(echo "$speed" | awk '/^rsa 4096 bits/ {print $NF}')
p384=$(echo "$speed" | awk '/384 bits ecdsa/ {print $NF}')
p256=$(echo "$speed" | awk '/256 bits ecdsa/ {print $NF}')
python3 - "$snp" "$tdx" "$rsa" "$p384" "$p256" <<'PY'
import sys
snp, tdx, rsa, p384, p256 = (float(x) for x in sys.argv[1:])
snp_openssl = 1 / (3 / rsa + 1 / p384)
tdx_openssl = p256 / 9
print(f"SEV-SNP: confide {snp:.0f}/s, openssl same signatures {snp_openssl:.0f}/s (rsa4096 verify {rsa:.0f}/s, p384 {p384:.0f}/s):"
      f" {snp / snp_openssl:.2f}x")
print(f"TDX:     confide {tdx:.0f}/s, openssl same signatures {tdx_openssl:.0f}/s (9 x p256 verify at {p256:.0f}/s): {tdx / tdx_openssl:.2f}x")
print("goal: within 2x of the Go verifiers")
PY
