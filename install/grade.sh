#!/usr/bin/env bash
# Grades a folder of DeepToy submissions with nbgrader: per-exercise grades, nbgrader's gradebook and a
# one-page report for the teacher.
#
#   install/grade.sh SUBMISSIONS --release DIR --out DIR [--timeout SECONDS] [--memory 2g] [--jobs N]
#                    [--disk 512m] [--no-sandbox]
#
# SUBMISSIONS holds <student>/<notebook>.ipynb; DIR is the assignment written by
# `python3 notebooks/build.py --release DIR`. nbgrader is taken from PATH or from NBGRADER (a command,
# e.g. NBGRADER=~/nbgrader/bin/nbgrader); the DeepToy kernel must be installed (install/install.sh).
# Each notebook is graded in a bubblewrap sandbox (install/grade_sandbox.py; apt-get install bubblewrap);
# without bwrap grade.sh refuses unless given --no-sandbox (the students' code then runs as you).
# Details: install/grade.py and README.md, "Teaching a class: release, collect, grade".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Debian's python3 has Jupyter's client (python3-jupyter-client), which finds the installed kernel.
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "$here/grade.py" "$@"
