#!/usr/bin/env bash
# Idle memory of one DeepToy kernel as JupyterHub starts it (JUPYTERHUB_USER set, MEM_LIMIT 1 GiB):
# N kernels one after another through Jupyter's client, each answers 1+1, then idles 10 s (as
# bench/classroom.sh measures); per kernel: RSS and PSS (/proc/PID/smaps_rollup), heap committed and
# used (jcmd GC.heap_info), and the same after another 20 s; the CPU the idle kernel used in those 20 s.
#   bench/kernel-idle.sh [N=3] [KERNELSPEC_PREFIX]
# KERNELSPEC_PREFIX: an install.sh --prefix to measure as it is (A/B of an installed kernel); without
# it the working tree's jar is installed into a temporary prefix. DEEPTOY_JAVA_OPTIONS and
# MALLOC_ARENA_MAX pass through to the kernel.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-3}"
prefix="${2:-}"
if [ -z "$prefix" ]; then
  prefix="$(mktemp -d)"
  trap 'rm -rf "$prefix"' EXIT
  if [ ! -f "$root/kernel/target/deeptoy-kernel.jar" ]; then (cd "$root" && mvn -q -DskipTests package); fi
  bash "$root/install/install.sh" --prefix "$prefix" --no-build >/dev/null
fi
uptime
JUPYTER_PATH="$prefix/share/jupyter" JUPYTERHUB_USER=bench MEM_LIMIT=1073741824 /usr/bin/python3 - "$n" <<'PY'
import os, re, subprocess, sys, time
import jupyter_client

def cpu_s(pid):
    """User + system CPU seconds of the process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def mem(pid):
    got = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            k = line.split(":")[0]
            if k in ("Rss", "Pss"):
                got[k] = int(line.split()[1]) / 1024
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    # the heap's generations or regions (Metaspace's own "committed" lines are not matched)
    gens = re.findall(r"total (\d+)K, used (\d+)K", info)
    heap = (sum(int(t) for t, _ in gens) / 1024, sum(int(u) for _, u in gens) / 1024)
    return got["Rss"], got["Pss"], heap[0], heap[1]

rows = []
print(f"{'kernel':>6} {'RSS':>6} {'PSS':>6} {'heap':>6} {'used':>6}   {'+20 s RSS':>9} {'PSS':>6} {'heap':>6} {'used':>6}  (MB)"
      f" {'idle CPU':>9}")
for i in range(int(sys.argv[1])):
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="deeptoy", startup_timeout=120)
    pid = km.provisioner.process.pid
    try:
        reply = kc.execute_interactive("1+1", timeout=60, output_hook=lambda m: None)
        assert reply["content"]["status"] == "ok"
        time.sleep(10)
        a = mem(pid)
        t0, c0 = time.time(), cpu_s(pid)
        time.sleep(20)
        busy = (cpu_s(pid) - c0) / (time.time() - t0) * 1000  # ms of CPU per second, jcmd's own work excluded
        b = mem(pid)
        rows.append(a + b + (busy,))
        print(f"{i + 1:>6} {a[0]:6.0f} {a[1]:6.0f} {a[2]:6.0f} {a[3]:6.0f}   {b[0]:9.0f} {b[1]:6.0f} {b[2]:6.0f} {b[3]:6.0f}"
              f" {busy:6.1f} ms/s", flush=True)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
mean = [sum(r[j] for r in rows) / len(rows) for j in range(9)]
print(f"kernel idle: RSS {mean[0]:.0f} MB, PSS {mean[1]:.0f} MB, heap {mean[2]:.0f}/{mean[3]:.0f} MB committed/used "
      f"(after 30 s: RSS {mean[4]:.0f}, PSS {mean[5]:.0f}, heap {mean[6]:.0f}/{mean[7]:.0f}); "
      f"idle CPU {mean[8]:.1f} ms per second ({mean[8] / 10:.2f} % of a core); mean of {len(rows)}")
sys.stdout.flush()
os._exit(0)  # jupyter_client's KernelClient.__del__ complains at interpreter exit
PY
