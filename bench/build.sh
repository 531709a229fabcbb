#!/usr/bin/env bash
# Builds core and bench (no tests) and prints the java class path for the benchmark mains.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -q -pl core,bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
echo "$root/bench/target/classes:$(cat "$root/bench/target/classpath.txt")"
