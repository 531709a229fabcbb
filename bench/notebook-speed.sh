#!/usr/bin/env bash
# Speed where students train: the course's MLP (784-256-10 relu) and CNN (c8x5 p2 c16x5 p2 d128,
# "same" padding) trained for one epoch of the 60,000 MNIST training images (batch 128, softmax
# cross-entropy, plain SGD lr 0.05) inside a running DeepToy kernel, cell by cell through
# jupyter_client as a notebook does (`fit` with its default live display), against the same
# networks in PyTorch (float32, its default) through DJL, in one run. The sides alternate (which
# one goes first alternates too), after a warm-up of 10,000 images each; one BLAS / intra-op
# thread each unless THREADS says otherwise.
#   DEEPTOY_DATA=... bench/notebook-speed.sh [ROUNDS (default 2) [THREADS (default 1)]]
# The PyTorch side is bench/pytorch, a Maven project outside the build (DJL + libtorch for CPU from
# Maven Central, about 115 MB; never a dependency of the kernel, the tests or CI), run offline.
# The kernel is installed into a temporary prefix with install/install.sh, as a student gets it.
# DEEPTOY_BENCH_KERNEL_OPTS adds JVM options to the kernel's (e.g. "-XX:NewRatio=1"), to measure them;
# the launcher's DEEPTOY_GC=g1|parallel|serial picks the collector (a lone user's default: g1).
# The last line is `ratio deeptoy/pytorch: mlp R1, cnn R2` (medians of the rounds; below 1: DeepToy
# is faster).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-2}"
threads="${2:-1}"
: "${DEEPTOY_DATA:?set DEEPTOY_DATA to the folder holding mnist/}"
export DEEPTOY_DATA
(cd "$root" && mvn -q -pl kernel -am -DskipTests package)
(cd "$root/bench/pytorch" && mvn -q package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT
bash "$root/install/install.sh" --prefix "$prefix" --no-build >/dev/null
# (kernel.json runs the launcher, which adds DEEPTOY_JAVA_OPTIONS last)
[ -z "${DEEPTOY_BENCH_KERNEL_OPTS:-}" ] || export DEEPTOY_JAVA_OPTIONS="$DEEPTOY_BENCH_KERNEL_OPTS"
export JUPYTER_PATH="$prefix/share/jupyter"
export BENCH_PYTORCH_CP="$root/bench/pytorch/target/classes:$(cat "$root/bench/pytorch/target/classpath.txt")"
echo "load before: $(uptime)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 - "$rounds" "$threads" <<'PY'
import os, re, statistics, subprocess, sys, time
import jupyter_client

rounds, threads = int(sys.argv[1]), sys.argv[2]
env = dict(os.environ, DEEPTOY_BLAS_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)

# ---- PyTorch through DJL: one JVM, driven line by line over stdin ---------------------------
torch = subprocess.Popen(["java", "-Dai.djl.offline=true", f"-Dai.djl.pytorch.num_threads={threads}",
                          "-Dai.djl.pytorch.num_interop_threads=1", "-cp", os.environ["BENCH_PYTORCH_CP"],
                          "org.deeptoy.bench.pytorch.PyTorchBench"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

def torch_line():
    line = torch.stdout.readline()
    if not line:
        sys.exit("the PyTorch side stopped (see its standard error above)")
    return line.strip()

print(torch_line())
assert torch_line() == "ready"

def cpu_seconds(pid):
    # user + system time of the whole process (all its threads: JIT, collector, BLAS) so far
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def pytorch(net, images):
    torch.stdin.write(f"{net} {images}\n"); torch.stdin.flush()
    line = torch_line()
    return float(re.search(r": ([0-9.]+) s", line).group(1)), line

# ---- DeepToy in its kernel -------------------------------------------------------------------
km = jupyter_client.KernelManager(kernel_name="deeptoy")
km.start_kernel(env=env)
kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=120)

def run(code):
    out = []
    def hook(msg):
        if msg["msg_type"] == "stream": out.append(msg["content"]["text"])
        if msg["msg_type"] == "error": out.append("\n".join(msg["content"]["traceback"]))
    reply = kc.execute_interactive(code, timeout=1800, output_hook=hook)
    text = "".join(out)
    if reply["content"]["status"] != "ok":
        sys.exit("DeepToy cell failed:\n" + code + "\n" + text)
    return text

run("""
Dataset benchTrain = Datasets.mnist().train();
Mlp benchMlp = Mlp.builder().layers(784, 256, 10).activation(Activation.RELU).seed(1).build();
benchMlp.scaler(Scaler.pixels());
Cnn benchCnn = Cnn.builder().input(1, 28, 28).conv(8, 5).pool(2).conv(16, 5).pool(2).dense(128).classes(10).seed(1).build();
benchCnn.scaler(Scaler.pixels());
double benchFit(Classifier model, int images) {
    Dataset d = images < benchTrain.size() ? benchTrain.first(images) : benchTrain;
    long t = System.nanoTime();
    History h = model.fit(d, new FitOptions().epochs(1).batchSize(128).optimizer(new Sgd(0.05)).seed(7));
    return (System.nanoTime() - t) / 1e9;
}
""")
print(run('System.out.println("deeptoy: " + Blas.current().name() + ", " + (Blas.current() instanceof OpenBlas o ? o.threads() : 1) + " BLAS thread(s), java " + Runtime.version() + ", " + java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-X")).toList())').strip())

def deeptoy(net, images):
    text = run(f'System.out.printf("deeptoy {net} {images} images: %.3f s%n", benchFit(bench{net.capitalize()}, {images}))')
    line = [l for l in text.splitlines() if l.startswith("deeptoy ")][-1]
    return float(re.search(r": ([0-9.]+) s", line).group(1)), line

sides = {"deeptoy": deeptoy, "pytorch": pytorch}
pids = {"deeptoy": km.provisioner.process.pid, "pytorch": torch.pid}
times = {(s, n): [] for s in sides for n in ("mlp", "cnn")}
cpu = {(s, n): [] for s in sides for n in ("mlp", "cnn")}
try:
    for net in ("mlp", "cnn"):  # warm-up: the JIT, libtorch's first calls
        for side in sides:
            print("(warm-up)", sides[side](net, 10000)[1])
    for r in range(rounds):
        order = ["deeptoy", "pytorch"] if r % 2 == 0 else ["pytorch", "deeptoy"]
        for net in ("mlp", "cnn"):
            for side in order:
                c0 = cpu_seconds(pids[side])
                seconds, line = sides[side](net, 60000)
                cpu[(side, net)].append(cpu_seconds(pids[side]) - c0)
                times[(side, net)].append(seconds)
                print(f"round {r + 1}: {line}  [process CPU {cpu[(side, net)][-1]:.2f} s]", flush=True)
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
    torch.stdin.close(); torch.wait(timeout=60)
    del kc  # closed here, not by its finaliser at interpreter exit (which logs a TypeError)

med = {k: statistics.median(v) for k, v in times.items()}
mcpu = {k: statistics.median(v) for k, v in cpu.items()}
for net in ("mlp", "cnn"):
    print(f"{net}: deeptoy {med[('deeptoy', net)]:.2f} s, pytorch {med[('pytorch', net)]:.2f} s per epoch (median of {rounds}); "
          f"process CPU deeptoy {mcpu[('deeptoy', net)]:.2f} s, pytorch {mcpu[('pytorch', net)]:.2f} s")
print(f"load after: {open('/proc/loadavg').read().strip()}")
# CPU time is what the machine's other work disturbs least (on a loaded 2-core machine the wall
# clock of either side can double); the last line is wall-clock time, as a student sees it.
print(f"CPU-time ratio deeptoy/pytorch: mlp {mcpu[('deeptoy', 'mlp')] / mcpu[('pytorch', 'mlp')]:.2f}, "
      f"cnn {mcpu[('deeptoy', 'cnn')] / mcpu[('pytorch', 'cnn')]:.2f}")
print(f"ratio deeptoy/pytorch: mlp {med[('deeptoy', 'mlp')] / med[('pytorch', 'mlp')]:.2f}, "
      f"cnn {med[('deeptoy', 'cnn')] / med[('pytorch', 'cnn')]:.2f}")
PY
