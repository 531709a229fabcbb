#!/usr/bin/env bash
# Trains each course model on its full real dataset and prints one row per model (dataset, model,
# epochs, test accuracy, target, seconds per epoch, peak heap), ending with `targets met: N of M`.
# The recipes are those of the notebooks (bench/src/main/java/org/deeptoy/bench/Targets.java).
# Usage: bench/targets.sh [iris-svm iris-mlp mnist-mlp mnist-cnn cifar-svm cifar-mlp cifar-cnn cifar-two-layer cifar-resnet
#   attention]   (default: all)
# cifar-two-layer, cifar-resnet and attention also print their training time against their limits (3, 10 and 3 min);
# attention's s / epoch is its whole training time.
# Needs DEEPTOY_DATA (holding iris/, mnist/, cifar-10/). Takes about 20-30 minutes on 2 idle cores.
# Peak heap is the sum of the heap pools' peaks while that model trained (an upper bound).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${DEEPTOY_DATA:?set DEEPTOY_DATA to the folder holding iris/, mnist/ and cifar-10/}"
cp="$("$here/build.sh")"
# As the kernel runs for a lone user (install/launch.in): G1 with 32 MB regions, half the memory (at most
# 8 GB) as heap, the engine's loops and products on every core.
lone_user="-Xmx$(awk '/^MemTotal:/ {m = int($2 / 2048); print (m > 8192 ? 8192 : m) "m"}' /proc/meminfo) -XX:+UseG1GC"
lone_user="$lone_user -XX:G1HeapRegionSize=32m -XX:G1PeriodicGCInterval=20000 -XX:-G1PeriodicGCInvokesConcurrent"
lone_user="$lone_user -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
read -r -a jvm <<< "${DEEPTOY_BENCH_JAVA_OPTS:-$lone_user}"
export DEEPTOY_BLAS_THREADS="${DEEPTOY_BLAS_THREADS:-$(nproc)}"
echo "JVM: ${jvm[*]}; threads: $DEEPTOY_BLAS_THREADS"
echo "load before: $(uptime)"
java "${jvm[@]}" -cp "$cp" org.deeptoy.bench.Targets "$@"
echo "load after: $(uptime)"
