"""Reads the encrypted CSV of measurements and writes a short statistical report.

Runs inside the Confide sandbox: /encryptedInputs holds this script and data.csv (read-only),
/encryptedOutputs receives report.txt. Only the standard library is used.
"""
import csv
import statistics

with open("/encryptedInputs/data.csv", newline="") as f:
    rows = list(csv.DictReader(f))

by_site = {}
for row in rows:
    by_site.setdefault(row["site"], []).append(float(row["value"]))

lines = [f"{len(rows)} measurements from {len(by_site)} sites", ""]
lines.append(f"{'site':<10}{'n':>4}{'mean':>10}{'median':>10}{'stdev':>10}{'max':>10}")
for site in sorted(by_site):
    values = by_site[site]
    stdev = statistics.stdev(values) if len(values) > 1 else 0.0
    lines.append(f"{site:<10}{len(values):>4}{statistics.mean(values):>10.2f}"
                 f"{statistics.median(values):>10.2f}{stdev:>10.2f}{max(values):>10.2f}")

with open("/encryptedOutputs/report.txt", "w") as out:
    out.write("\n".join(lines) + "\n")
print("wrote report.txt for", len(by_site), "sites")
