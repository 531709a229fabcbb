#!/usr/bin/env bash
# Kernel memory when a notebook is re-run: a 100-cell notebook (variables, tensors, methods, records,
# prints) run ROUNDS times in one kernel through Jupyter's client. Per round: resident memory, loaded and
# unloaded classes, metaspace, live heap (after a full GC) and the round's time.
#   bench/kernel-memory.sh [ROUNDS]     (default 5; the memory test in test_cell_faults.py asserts the bound)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
if [ ! -f "$root/kernel/target/deeptoy-kernel.jar" ]; then (cd "$root" && mvn -q -DskipTests package); fi
bash "$root/install/install.sh" --prefix "$prefix" --no-build >/dev/null
uptime
JUPYTER_PATH="$prefix/share/jupyter" PYTHONPATH="$root/kernel/src/test/python" /usr/bin/python3 - "$rounds" <<'PY'
import subprocess, sys, time
import jupyter_client
from test_cell_faults import notebook_cells

rounds = int(sys.argv[1])

def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

def jstat(opt, pid):
    lines = subprocess.run(["jstat", opt, str(pid)], capture_output=True, text=True).stdout.split("\n")
    return dict(zip(lines[0].split(), lines[1].split()))

km, kc = jupyter_client.manager.start_new_kernel(kernel_name="deeptoy")
pid = km.provisioner.process.pid
try:
    print(f"{'round':>5} {'RSS MB':>7} {'classes':>8} {'unloaded':>9} {'metaspace MB':>13} {'live heap MB':>13} {'s/round':>8}")
    def report(r, secs):
        subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True)
        c, g = jstat("-class", pid), jstat("-gc", pid)
        heap = sum(float(g[k]) for k in ("S0U", "S1U", "EU", "OU")) / 1024
        print(f"{r:>5} {rss_mb(pid):7.0f} {c['Loaded']:>8} {c['Unloaded']:>9} {float(g['MU']) / 1024:13.1f}"
              f" {heap:13.1f} {secs:8.1f}", flush=True)
    report(0, 0)
    for r in range(1, rounds + 1):
        t0 = time.time()
        for code in notebook_cells():
            reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: None)
            assert reply["content"]["status"] == "ok", (code, reply["content"])
        report(r, time.time() - t0)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
PY
