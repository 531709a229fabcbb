#!/usr/bin/env bash
# Kernel benchmark with Jupyter's own client: median `1+1` round trip, start to first reply and idle
# resident memory, for the DeepToy kernel and (if installed) ipykernel in the same run.
#   bench/kernel.sh [ROUNDS]     (targets: <= 40 ms, <= 2.0 s, <= 250 MB)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-50}"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
if [ ! -f "$root/kernel/target/deeptoy-kernel.jar" ]; then (cd "$root" && mvn -q -DskipTests package); fi
bash "$root/install/install.sh" --prefix "$prefix" --no-build >/dev/null
JUPYTER_PATH="$prefix/share/jupyter" /usr/bin/python3 - "$rounds" <<'PY'
import statistics, sys, time
import jupyter_client
from jupyter_client.kernelspec import KernelSpecManager

rounds = int(sys.argv[1])

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

def measure(name):
    t0 = time.perf_counter()
    km = jupyter_client.KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    kc.execute("1+1", reply=True, timeout=60)
    start = time.perf_counter() - t0
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        kc.execute("1+1", reply=True, timeout=60)
        times.append((time.perf_counter() - t) * 1000)
    time.sleep(2)
    rss = rss_mb(km.provisioner.process.pid)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return statistics.median(times), start, rss

names = ["deeptoy"] + (["python3"] if "python3" in KernelSpecManager().find_kernel_specs() else [])
res = {n: measure(n) for n in names}
print(f"{'kernel':10} {'1+1 median ms':>14} {'start->first reply s':>21} {'idle RSS MB':>12}")
for n, (rt, st, rss) in res.items():
    print(f"{n:10} {rt:14.1f} {st:21.2f} {rss:12.0f}")
d = res["deeptoy"]
print(f"targets    {'<= 40':>14} {'<= 2.0':>21} {'<= 250':>12}")
if "python3" in res:
    p = res["python3"]
    print(f"ratio deeptoy/ipykernel: 1+1 x{d[0]/p[0]:.1f}, start x{d[1]/p[1]:.1f}, RSS x{d[2]/p[2]:.1f}")
PY
