#!/usr/bin/env bash
# Start to first reply (`1+1` answered) of the installed kernel with and without its start-up
# archive, alternating starts, for the java first on PATH (run it once per JDK). Also the kernel
# process's CPU time until that reply, which a loaded machine disturbs less than the wall time:
#   bench/kernel-start.sh [STARTS]        e.g. PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH bench/kernel-start.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
starts="${1:-5}"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
if [ ! -f "$root/kernel/target/deeptoy-kernel.jar" ]; then (cd "$root" && mvn -q -DskipTests package); fi
bash "$root/install/install.sh" --prefix "$prefix" --no-build >/dev/null
JUPYTER_PATH="$prefix/share/jupyter" /usr/bin/python3 - "$starts" "$prefix/share/jupyter/kernels" <<'PY'
import json, os, shutil, statistics, subprocess, sys, time
import jupyter_client

starts, kernels = int(sys.argv[1]), sys.argv[2]
base = os.path.join(kernels, "deeptoy")
spec = json.load(open(os.path.join(base, "kernel.json")))
archive = [a for a in spec["argv"] if a.startswith(("-XX:SharedArchiveFile", "-XX:AOTCache"))]
plain = [a for a in spec["argv"] if a not in archive]
variants = {"no archive": plain, "installed (" + (archive[0].split("=")[0][4:] if archive else "none") + ")": spec["argv"]}
java = spec["argv"][0]
version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
major = int(subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
            .stderr.split("java.specification.version = ")[1].split()[0])
if major >= 25:  # JDK 24+'s AOT cache (one-step -XX:AOTCacheOutput from 25), made from the same warm-up
    jar = plain.index("-jar")
    aot = os.path.join(base, "deeptoy.aot")
    subprocess.run(plain[:jar] + ["-XX:AOTCacheOutput=" + aot, "-jar", plain[jar + 1].replace("{resource_dir}", base),
                                  "--warm-up"], capture_output=True, check=True)
    variants["AOT cache (instead)"] = plain[:jar] + ["-XX:AOTCache=" + aot] + plain[jar:]
for name, argv in variants.items():
    d = os.path.join(kernels, "v%d" % list(variants).index(name))
    os.makedirs(d)
    json.dump(dict(spec, argv=[a.replace("{resource_dir}", base) for a in argv]), open(os.path.join(d, "kernel.json"), "w"))

def start(kernel):
    t0 = time.perf_counter()
    km = jupyter_client.KernelManager(kernel_name=kernel)
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    kc.execute("1+1", reply=True, timeout=120)
    t = time.perf_counter() - t0
    f = open("/proc/%d/stat" % km.provisioner.process.pid).read().rsplit(")", 1)[1].split()
    cpu = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return t, cpu

times = {n: [] for n in variants}
for _ in range(starts):
    for i, n in enumerate(variants):
        times[n].append(start("v%d" % i))
print("%s (%s), load %s" % (java, version, open("/proc/loadavg").read().split()[0]))
med = {}
for n, ts in times.items():
    wall, cpu = [t for t, _ in ts], [c for _, c in ts]
    med[n] = statistics.median(wall), statistics.median(cpu)
    print("  %-30s start -> first reply median %.2f s (%s); kernel CPU median %.2f s (%s)"
          % (n, med[n][0], " ".join("%.2f" % t for t in wall), med[n][1], " ".join("%.2f" % c for c in cpu)))
a = med["no archive"]
for n in list(times)[1:]:
    print("  ratio %s / no archive: wall %.2f, kernel CPU %.2f" % (n, med[n][0] / a[0], med[n][1] / a[1]))
os._exit(0)
PY
