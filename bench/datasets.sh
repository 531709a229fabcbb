#!/bin/sh
# Load time of each dataset, each in a fresh JVM (cold, as in a notebook). Needs DEEPTOY_DATA
# (or the user cache); Fashion-MNIST also comes from Debian's dataset-fashion-mnist.
set -e
cd "$(dirname "$0")/.."
mkdir -p bench/out
mvn -q -pl core compile dependency:build-classpath -Dmdep.outputFile="$PWD/bench/out/core.classpath"
cp="core/target/classes:$(cat bench/out/core.classpath)"
echo "DEEPTOY_DATA=${DEEPTOY_DATA:-(not set)}"
for d in iris mnist fashion-mnist cifar-10; do
  java -Xmx3g -cp "$cp" bench/DatasetLoad.java "$d"
done
