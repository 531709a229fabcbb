#!/usr/bin/env bash
# Kernel memory when a notebook is re-run and after a training run, for the lone user's kernel
# (G1 collector, full JIT) and the class server's (JUPYTERHUB_USER set: serial collector, C1).
# Per configuration, one kernel through Jupyter's client:
#  - a 100-cell notebook (variables, tensors, methods, records, prints) run ROUNDS times; per round the
#    resident memory (no collection forced: what the student's machine sees) right after the round and
#    the lowest in the 35 s idle after it (the lone user's G1 collects after 20 s without a collection
#    and returns what the round's garbage took), the heap the collector keeps committed, loaded
#    classes, metaspace and the round's time; then the growth per round over rounds 3..ROUNDS of
#    both (test_cell_faults.NotebookMemory asserts at most 20 MB per round, idle figure);
#  - with DEEPTOY_DATA set, the course's CNN trained for one epoch on IMAGES MNIST images, then the
#    resident memory every 10 s of idling for 90 s: what the kernel gives back to the system
#    (test_cell_faults.NotebookMemory asserts that half of what a training run took comes back).
#   [DEEPTOY_DATA=...] bench/kernel-memory.sh [ROUNDS (default 5) [IMAGES (default 5000)]]
# DEEPTOY_GC, DEEPTOY_JIT and DEEPTOY_JAVA_OPTIONS pass through to both kernels (to measure a flag).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-5}"
images="${2:-5000}"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
if [ ! -f "$root/kernel/target/deeptoy-kernel.jar" ]; then (cd "$root" && mvn -q -DskipTests package); fi
bash "$root/install/install.sh" --prefix "$prefix" --no-build >/dev/null
echo "load before: $(uptime)"
JUPYTER_PATH="$prefix/share/jupyter" PYTHONPATH="$root/kernel/src/test/python" /usr/bin/python3 - "$rounds" "$images" <<'PY'
import os, subprocess, sys, time
import jupyter_client
from test_cell_faults import notebook_cells, rss_mb

rounds, images = int(sys.argv[1]), int(sys.argv[2])

def jstat(opt, pid):
    lines = subprocess.run(["jstat", opt, str(pid)], capture_output=True, text=True).stdout.split("\n")
    return dict(zip(lines[0].split(), lines[1].split()))

def measure(name, extra_env):
    km = jupyter_client.KernelManager(kernel_name="deeptoy")
    km.start_kernel(env=dict(os.environ, **extra_env))
    kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
    pid = km.provisioner.process.pid
    out = []
    def run(code, timeout=120):
        out.clear()
        def hook(m):
            if m["msg_type"] == "stream": out.append(m["content"]["text"])
        reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        assert reply["content"]["status"] == "ok", (code, reply["content"])
        return "".join(out)
    try:
        print(f"\n== {name}: " + run('System.out.println(System.getenv("DEEPTOY_RESOURCES"))').strip(), flush=True)
        print(f"{'round':>5} {'RSS MB':>7} {'idle RSS MB':>12} {'heap committed MB':>18} {'classes':>8} {'metaspace MB':>13} {'s/round':>8}")
        rss, idle_rss = [], []
        def report(r, secs):
            rss.append(rss_mb(pid))
            seen = []
            for _ in range(7 if r > 0 else 0):
                time.sleep(5)
                seen.append(rss_mb(pid))
            idle_rss.append(min(seen, default=rss[-1]))
            c, g = jstat("-class", pid), jstat("-gc", pid)
            committed = sum(float(g[k]) for k in ("S0C", "S1C", "EC", "OC")) / 1024
            print(f"{r:>5} {rss[-1]:7.0f} {idle_rss[-1]:12.0f} {committed:18.0f} {c['Loaded']:>8} {float(g['MU']) / 1024:13.1f}"
                  f" {secs:8.1f}", flush=True)
        report(0, 0)
        for r in range(1, rounds + 1):
            t0 = time.time()
            for code in notebook_cells():
                run(code)
            report(r, time.time() - t0)
        if rounds >= 4:
            print(f"{name}: growth over rounds 3-{rounds}: {(rss[rounds] - rss[3]) / (rounds - 3):.1f} MB per round right after"
                  f" the round, {(idle_rss[rounds] - idle_rss[3]) / (rounds - 3):.1f} MB idle", flush=True)
        if not os.environ.get("DEEPTOY_DATA"):
            print(f"{name}: no DEEPTOY_DATA, no training run")
            return
        t0 = time.time()
        run(f"""
var memTrain = Datasets.mnist().train().first({images});
Cnn memCnn = Cnn.builder().input(1, 28, 28).conv(8, 5).pool(2).conv(16, 5).pool(2).dense(128).classes(10).seed(1).build();
memCnn.scaler(Scaler.pixels());
memCnn.fit(memTrain, new FitOptions().epochs(1).batchSize(128).optimizer(new Sgd(0.05)).seed(7));
memTrain = null;
""", timeout=1800)
        trained = time.time() - t0
        after = rss_mb(pid)
        print(f"{name}: CNN, one epoch of {images} images: {trained:.1f} s; RSS {rss[-1]:.0f} -> {after:.0f} MB", flush=True)
        idle = []
        for s in range(10, 100, 10):
            time.sleep(10)
            idle.append(rss_mb(pid))
        print(f"{name}: idle RSS every 10 s: " + " ".join(f"{v:.0f}" for v in idle) + " MB", flush=True)
        print(f"{name}: after training {after:.0f} MB, after 60 s idle {idle[5]:.0f} MB "
              f"(gave back {after - idle[5]:.0f} MB)", flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

measure("lone user", {})
measure("class server", {"JUPYTERHUB_USER": "bench"})
print(f"load after: {open('/proc/loadavg').read().strip()}")
PY
