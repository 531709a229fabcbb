#!/usr/bin/env bash
# ms per op and per training step of the MNIST CNN (batch 64) and the 784-256-10 MLP (batch 128),
# this checkout against another commit (default: main), in one run, alternating the two JVMs
# (and which goes first):
#   bench/ops.sh [base-ref [repeats [rounds]]]        (defaults: main, 3, 20)
# Per op: forward, backward, and the engine's summing back of a broadcast gradient (sumTo), in
# CPU time of the thread (robust to other processes taking the cores); per step: wall-clock time
# (step, includes the collector's pauses) and CPU time (stepCpu).
# Prints each run's figures, then the medians over the repeats with the ratio base/this
# (above 1: this checkout is faster). Runs on one thread of OpenBLAS with the serial collector,
# as the kernel does; OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for both sides alike.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
base="${1:-main}"
repeats="${2:-3}"
rounds="${3:-20}"
cp_new="$("$here/build.sh")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git -C "$root" archive "$base" pom.xml core kernel/pom.xml bench/pom.xml | tar -x -C "$work"
(cd "$work" && mvn -q -pl core -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2)
mkdir -p "$work/profile"
javac -d "$work/profile" -cp "$work/core/target/classes:$(cat "$work/core/target/classpath.txt")" \
  "$here/src/main/java/org/deeptoy/graph/StepProfile.java"
cp_old="$work/profile:$work/core/target/classes:$(cat "$work/core/target/classpath.txt")"
run() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -Xmx1g -XX:+UseSerialGC -cp "$1" org.deeptoy.graph.StepProfile "$rounds"; }
echo "load before: $(uptime)"
: > "$work/old.txt"; : > "$work/new.txt"
for i in $(seq "$repeats"); do # alternating which side goes first
  if [ $((i % 2)) = 1 ]; then order="old new"; else order="new old"; fi
  for side in $order; do
    if [ "$side" = old ]; then run "$cp_old" | tee -a "$work/old.txt" | sed "s/^/[$base $i] /"
    else run "$cp_new" | tee -a "$work/new.txt" | sed "s/^/[this $i] /"; fi
  done
done
echo "load after: $(uptime)"
echo "medians over $repeats runs of $rounds rounds each, ms: $base | this | ratio $base/this"
python3 - "$work/old.txt" "$work/new.txt" <<'PY'
import sys, statistics
def read(path):
    rows, order = {}, []
    for line in open(path):
        f = line.split()
        if f[1] in ('step', 'stepCpu'):
            key, vals = (f[0], f[1]), {f[1]: float(f[2])}
        else:
            key, vals = (f[0], f[2] + ' ' + f[3] + ' ' + f[10]), {'fwd': float(f[5]), 'bwd': float(f[7]), 'sumTo': float(f[9])}
        if key not in rows: order.append(key); rows[key] = {}
        for k, v in vals.items(): rows[key].setdefault(k, []).append(v)
    return rows, order
old, order = read(sys.argv[1]); new, _ = read(sys.argv[2])
for key in order:
    parts = []
    for k in old[key]:
        o, n = statistics.median(old[key][k]), statistics.median(new[key][k])
        if not k.startswith('step') and o < 0.05 and n < 0.05: continue
        parts.append(f"{k} {o:7.3f} | {n:7.3f} | {o / n if n else float('inf'):5.2f}x")
    if parts: print(f"{key[0]} {key[1]:<48} " + "   ".join(parts))
PY
