#!/usr/bin/env bash
# One epoch of a 784-256-10 ReLU MLP on the 60,000 MNIST training images (batch 128, softmax
# cross-entropy, SGD lr 0.1, float64), DeepToy against the same network in numpy, in one run,
# each after a warm-up epoch; median of EPOCHS (default 3) timed epochs. DeepToy runs in 1 GB of
# heap and prints its peak, with the serial collector the Jupyter kernel uses (the JVM's default
# G1 treats every array over half a region, e.g. a batch or W1's gradient, as a "humongous"
# allocation and cost about 0.3 s per epoch more here); override with DEEPTOY_BENCH_JAVA_OPTS. Needs DEEPTOY_DATA (holding mnist/) and Debian's python3-numpy.
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for both sides alike, for this command only.
# The last line is `ratio deeptoy/numpy: R` (below 1: DeepToy is faster).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
epochs="${1:-3}"
: "${DEEPTOY_DATA:?set DEEPTOY_DATA to the folder holding mnist/}"
cp="$("$here/build.sh")"
clean=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
read -r -a jvm <<< "${DEEPTOY_BENCH_JAVA_OPTS:--Xmx1g -XX:+UseSerialGC}"
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
epoch_seconds() { grep -o 'epoch [0-9]*: [0-9.]* s' | awk '{print $3}' | median; }

echo "load before: $(uptime)"
np_out="$("${clean[@]}" /usr/bin/python3 "$here/mlp_numpy.py" "$epochs")"
echo "$np_out"
dt_out="$("${clean[@]}" java "${jvm[@]}" -cp "$cp" org.deeptoy.bench.SpeedBench "$epochs")"
echo "$dt_out"
if [ -z "${DEEPTOY_BLAS_THREADS:-}" ]; then # thread counts matched both ways, for comparison only
  "${clean[@]}" DEEPTOY_BLAS_THREADS=2 java "${jvm[@]}" -cp "$cp" org.deeptoy.bench.SpeedBench "$epochs" \
    | grep -E 'backend|epoch' | sed 's/^/(for comparison) /'
  "${clean[@]}" OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$here/mlp_numpy.py" "$epochs" \
    | sed 's/^/(for comparison, OPENBLAS_NUM_THREADS=1) /'
fi
echo "load after: $(uptime)"
np="$(echo "$np_out" | epoch_seconds)"
dt="$(echo "$dt_out" | epoch_seconds)"
echo "numpy:   $np s per epoch (median)"
echo "deeptoy: $dt s per epoch (median)"
awk -v d="$dt" -v n="$np" 'BEGIN {printf "ratio deeptoy/numpy: %.2f\n", d / n}'
