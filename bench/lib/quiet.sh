# shellcheck shell=bash
# bench_quiet: waits (at most 30 s) until the machine's CPUs were at least 90% idle over one
# second, so that a measurement does not pay for what the previous one left running: a daemon's
# spare runtime warming up here, or one on the loopback host (KeptHosts). Prints nothing.
bench_quiet() {
  python3 - <<'PY'
import time
def snap():
    f = open("/proc/stat").readline().split()[1:]
    v = [int(x) for x in f]
    return sum(v), v[3] + v[4]
for _ in range(30):
    t0, i0 = snap(); time.sleep(1); t1, i1 = snap()
    if t1 > t0 and (i1 - i0) / (t1 - t0) >= 0.9:
        break
PY
}
