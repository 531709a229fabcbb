#!/usr/bin/env bash
# Matrix multiply GFLOP/s at MLP shapes (EJML vs OpenBLAS with 1 and 2 threads) and ms per
# forward+backward step of a 784-256-10 MLP, first with the other core idle, then with it busy.
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for this command only, for every side alike
# (with them OpenBLAS picks older kernels; see shared STYLE notes).
set -euo pipefail
cp="$("$(dirname "$0")/build.sh")"
run() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -Xmx1g -XX:+UseSerialGC -cp "$cp" org.deeptoy.bench.MatmulBench "$@"; }
echo "load before: $(uptime)"
run "other core idle"
# A busy loop on the other core, as when another program (or student) is computing.
( while :; do :; done ) &
busy=$!
trap 'kill $busy 2>/dev/null' EXIT
run "other core busy (a shell busy loop)"
kill $busy
echo "load after: $(uptime)"
