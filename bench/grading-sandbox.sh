#!/usr/bin/env bash
# What grade.sh's bubblewrap sandbox costs: the teacher's solutions of the course (or of the notebooks
# named) graded as one student's submission, in the sandbox and then with --no-sandbox, in the same run;
# prints the seconds per notebook both ways and the ratio.
#   bench/grading-sandbox.sh [NOTEBOOK...]     (e.g. 01-tour 02-graph; default: the whole course)
# Needs nbgrader (NBGRADER or PATH, as install/grade.sh) and bwrap; installs the kernel into a
# temporary prefix; removes its temporary folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/deeptoy-grading-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
[ -f "$root/kernel/target/deeptoy-kernel.jar" ] || (cd "$root" && mvn -q -DskipTests package)
bash "$root/install/install.sh" --prefix "$work/prefix" --no-build >/dev/null
export JUPYTER_PATH="$work/prefix/share/jupyter"
/usr/bin/python3 "$root/notebooks/build.py" --out "$work/built" >/dev/null
/usr/bin/python3 "$root/notebooks/build.py" --release "$work/release" "$@" >/dev/null
mkdir -p "$work/subs/teacher"
for f in "$work"/release/*.ipynb; do cp "$work/built/solutions/$(basename "$f")" "$work/subs/teacher/"; done
echo "load before: $(uptime | sed 's/.*load/load/'); $(nproc) cores"
for mode in sandbox no-sandbox; do
  extra=(); [ "$mode" = no-sandbox ] && extra=(--no-sandbox)
  start=$(date +%s.%N)
  bash "$root/install/grade.sh" "$work/subs" --release "$work/release" --out "$work/out-$mode" --memory 1g "${extra[@]}" \
    2> "$work/$mode.log"
  end=$(date +%s.%N)
  grep -E '^\[[0-9]+/[0-9]+\]' "$work/$mode.log" | sed "s/^/$mode: /"
  echo "$mode: $(echo "$end - $start" | bc) s in all"
  sed -nE 's/.*\] teacher\/([^:]+): ([0-9.]+) of ([0-9.]+) points.*, ([0-9.]+) s; elapsed.*/\1 \2 \3 \4/p' "$work/$mode.log" \
    > "$work/$mode.tsv"
done
echo "load after: $(uptime | sed 's/.*load/load/')"
join "$work/sandbox.tsv" "$work/no-sandbox.tsv" | awk '
  { printf "%-24s %5.1f s in the sandbox, %5.1f s without (points %s/%s and %s/%s)\n", $1, $4, $7, $2, $3, $5, $6
    a += $4; b += $7; n++ }
  END { if (n) printf "grading sandbox: %d notebooks, %.1f s per notebook in the sandbox, %.1f s without: +%.1f s (x%.2f)\n", n, a/n, b/n, (a-b)/n, a/b }'
