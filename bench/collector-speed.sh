#!/usr/bin/env bash
# Training time of the lone user's kernel under different collectors, interleaved: one kernel per
# configuration, all alive together; each round trains the course's CNN, then its MLP, for one epoch
# of IMAGES MNIST images in every kernel, the order rotating from round to round (one BLAS thread
# each). Prints wall and process CPU seconds per epoch, medians and ratios to the first configuration.
#   DEEPTOY_DATA=... bench/collector-speed.sh IMAGES ROUNDS NAME=DEEPTOY_GC[ JVM flags] ...
# e.g. bench/collector-speed.sh 10000 3 parallel=parallel g1=g1 "serial-nr1=serial -XX:NewRatio=1"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${DEEPTOY_DATA:?set DEEPTOY_DATA to the folder holding mnist/}"
export DEEPTOY_DATA
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
if [ ! -f "$root/kernel/target/deeptoy-kernel.jar" ]; then (cd "$root" && mvn -q -DskipTests package); fi
bash "$root/install/install.sh" --prefix "$prefix" --no-build >/dev/null
echo "load before: $(uptime)"
JUPYTER_PATH="$prefix/share/jupyter" /usr/bin/python3 - "$@" <<'PY'
import os, re, statistics, sys, time
import jupyter_client
images = int(sys.argv[1]); rounds = int(sys.argv[2]); configs = [a.split("=", 1) for a in sys.argv[3:]]
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
ks = {}
for name, opts in configs:
    km = jupyter_client.KernelManager(kernel_name="deeptoy")
    km.start_kernel(env=dict(os.environ, DEEPTOY_GC=opts.split()[0], DEEPTOY_JAVA_OPTIONS=" ".join(opts.split()[1:]), DEEPTOY_BLAS_THREADS="1"))
    kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)
    ks[name] = (km, kc)
def run(name, code):
    out = []
    r = ks[name][1].execute_interactive(code, timeout=1800, output_hook=lambda m: out.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    assert r["content"]["status"] == "ok", r["content"]
    return "".join(out)
setup = """var spTrain = Datasets.mnist().train();
double spFit(String net, int images) {
  Classifier m = net.equals("cnn") ? Cnn.builder().input(1, 28, 28).conv(8, 5).pool(2).conv(16, 5).pool(2).dense(128).classes(10).seed(1).build()
                                    : Mlp.builder().layers(784, 256, 10).activation(Activation.RELU).seed(1).build();
  m.scaler(Scaler.pixels());
  long t = System.nanoTime();
  m.fit(spTrain.first(images), new FitOptions().epochs(1).batchSize(128).optimizer(new Sgd(0.05)).seed(7).verbose(false).live(false));
  return (System.nanoTime() - t) / 1e9;
}"""
times = {(n, net): [] for n in ks for net in ("cnn", "mlp")}
cpus = {(n, net): [] for n in ks for net in ("cnn", "mlp")}
try:
    for n in ks:
        run(n, setup); run(n, 'spFit("cnn", 2000); spFit("mlp", 2000);')
    names = list(ks)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for net in ("cnn", "mlp"):
            for n in order:
                pid = ks[n][0].provisioner.process.pid
                c0 = cpu(pid)
                t = float(run(n, f'System.out.println(spFit("{net}", {images}))').strip())
                times[(n, net)].append(t); cpus[(n, net)].append(cpu(pid) - c0)
                print(f"round {r+1} {n} {net}: {t:.1f} s wall, {cpus[(n, net)][-1]:.1f} s CPU", flush=True)
finally:
    for km, kc in ks.values():
        kc.stop_channels(); km.shutdown_kernel(now=True)
    ks.clear(); kc = None  # closed here, not by their finalisers at interpreter exit (which log a TypeError)
for net in ("cnn", "mlp"):
    base = names[0]
    for n in names:
        print(f"{net} {n}: median {statistics.median(times[(n, net)]):.1f} s wall, {statistics.median(cpus[(n, net)]):.1f} s CPU"
              f" (ratio to {base}: wall {statistics.median(times[(n, net)]) / statistics.median(times[(base, net)]):.2f},"
              f" CPU {statistics.median(cpus[(n, net)]) / statistics.median(cpus[(base, net)]):.2f})")
print("load", open("/proc/loadavg").read().strip())
PY
