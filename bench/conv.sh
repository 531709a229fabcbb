#!/usr/bin/env bash
# ms per forward and backward of conv2d and maxPool2d at the MNIST CNN's shapes (batch 64):
#   bench/conv.sh [rounds [images per product]]     (default 20 rounds, automatic grouping)
# The backend is chosen as everywhere (deeptoy.blas / DEEPTOY_BLAS); OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE are unset for this command only (see the shared STYLE notes).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
cp="$root/core/target/classes:$root/core/target/test-classes:$(cat core/target/classpath.txt)"
echo "load before: $(uptime)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -XX:+UseSerialGC -cp "$cp" org.deeptoy.ops.ConvBench "$@"
