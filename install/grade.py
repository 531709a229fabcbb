#!/usr/bin/env python3
"""Grades a folder of DeepToy submissions with nbgrader (run through install/grade.sh).

    install/grade.sh SUBMISSIONS --release DIR --out DIR [--timeout S] [--memory 2g] [--jobs N] [--no-sandbox]

SUBMISSIONS holds <student>/<notebook>.ipynb; DIR is an assignment written by
`python3 notebooks/build.py --release DIR` (student notebooks and manifest.json). For every submitted
notebook nbgrader's `autograde` runs in a fresh temporary course of its own: a copy of the gradebook
made by `generate_assignment` from the release, the one notebook, a private HOME and kernelspec, its
own kernel with the memory cap, and a per-cell timeout that interrupts. nbgrader restores the check
cells (locked grade cells) from the release before running, so an edited check counts for nothing.
Each notebook's grading runs in a bubblewrap sandbox (install/grade_sandbox.py: no network, none of the
teacher's files, limits on memory, processes, CPU time and disk); --no-sandbox runs it as the teacher.
Everything a run needs is kept in memory between runs and results are written to OUT at the end, so a
notebook that deletes files, loops, exits or runs out of memory costs only its own points.

OUT receives grades.csv (one row per student, notebook and exercise, with the check's message when it
failed), gradebook.csv (nbgrader's export format, one row per student), report.html (pass rates, the
most frequent failures, a histogram of totals, what could not be graded), autograded/ (the executed
notebooks) and logs/ (nbgrader's log per notebook).
"""
import argparse
import collections
import concurrent.futures
import csv
import datetime
import html
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
CONFIG = HERE.parent / "notebooks" / "nbgrader_config.py"
ASSIGNMENT = "assignment"
CSV_HEADER = ["student", "notebook", "exercise", "points", "max_points", "message"]

INSTALL_NBGRADER = """nbgrader was not found. Install it, then run grade.sh again:
  pip install nbgrader==0.8.5          (Debian 12: apt-get install python3-venv; python3 -m venv ~/nbgrader;
                                        ~/nbgrader/bin/pip install nbgrader==0.8.5)
and put it on PATH, or name the command in NBGRADER, e.g.
  NBGRADER=~/nbgrader/bin/nbgrader install/grade.sh ...
(nbgrader 0.8.5 is the release for the classic notebook 6.4 and jupyter_server 1.x that Debian 12 has.)"""


def fail(message):
    print(f"grade.sh: {message}", file=sys.stderr)
    sys.exit(2)


# ---- what every run needs, read once into memory ----------------------------------------------------

def nbgrader_command():
    named = os.environ.get("NBGRADER")
    cmd = shlex.split(named) if named else (["nbgrader"] if shutil.which("nbgrader") else None)
    if not cmd:
        fail(INSTALL_NBGRADER)
    if "/" in cmd[0]:
        cmd[0] = str(pathlib.Path(cmd[0]).expanduser().resolve())  # nbgrader runs in other folders
    try:
        ok = subprocess.run(cmd + ["--version"], capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if not ok:
        fail(f"'{' '.join(cmd)} --version' failed.\n" + INSTALL_NBGRADER)
    return cmd


def grading_kernel(memory):
    """The installed deeptoy kernelspec's files and a kernel.json for grading: heap capped at `memory`,
    DEEPTOY_GRADE=1 (a failed check throws) and DEEPTOY_QUICK=1 (lessons train on small subsets)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        fail("Jupyter's Python client is missing: apt-get install python3-jupyter-client (or pip install jupyter_client)")
    try:
        spec = KernelSpecManager().get_kernel_spec("deeptoy")
    except NoSuchKernel:
        fail("the DeepToy kernel (kernelspec 'deeptoy') is not installed: run install/install.sh")
    launcher = pathlib.Path(spec.argv[0]).name == "launch" or spec.argv[0].endswith("/launch")
    argv = []
    for a in spec.argv:
        if a.startswith("-XX:SharedArchiveFile"):
            continue  # the class-data archive is made for the installed jar's path; the copy runs without it
        argv.append(f"-Xmx{memory}" if a.startswith("-Xmx") else a)
    if not launcher and not any(a.startswith("-Xmx") for a in argv):
        argv.insert(1, f"-Xmx{memory}")
    files = {}
    for f in pathlib.Path(spec.resource_dir).iterdir():
        if f.is_file() and f.name != "kernel.json" and not f.name.endswith(".jsa"):
            files[f.name] = f.read_bytes()
    env = dict(spec.env or {}, DEEPTOY_GRADE="1", DEEPTOY_QUICK=os.environ.get("DEEPTOY_QUICK", "1"))
    if launcher:
        env["DEEPTOY_HEAP"] = memory  # the kernelspec's launcher (install/launch.in) takes the heap from here
    kernel_json = {"argv": argv, "display_name": "Java (DeepToy, grading)", "language": "java",
                   "interrupt_mode": spec.interrupt_mode, "env": env}
    files["kernel.json"] = json.dumps(kernel_json, indent=1).encode()
    return files


def read_release(release):
    manifest_path = release / "manifest.json"
    if not manifest_path.is_file():
        fail(f"{manifest_path} is missing: write the assignment with python3 notebooks/build.py --release {release}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    notebooks = {}
    for nb in manifest["notebooks"]:
        path = release / nb["file"]
        if not path.is_file():
            fail(f"{path} is listed in manifest.json but missing")
        notebooks[nb["notebook"]] = path.read_bytes()
    return manifest, notebooks


def read_submissions(folder, manifest):
    """{(student, notebook): bytes or None when missing}, students sorted."""
    if not folder.is_dir():
        fail(f"{folder} is not a folder of submissions (<student>/<notebook>.ipynb)")
    students = sorted(d.name for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))
    if not students:
        fail(f"{folder} has no student folders (<student>/<notebook>.ipynb)")
    subs = {}
    for s in students:
        for nb in manifest["notebooks"]:
            path = folder / s / nb["file"]
            subs[(s, nb["notebook"])] = path.read_bytes() if path.is_file() else None
    return students, subs


def write_tree(root, files):
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if rel == "launch" or rel.endswith("/launch"):
            path.chmod(0o755)  # the kernelspec's launcher is what Jupyter runs


def config_text(timeout):
    return CONFIG.read_text(encoding="utf-8") + f"\n# grade.sh\nc.Execute.timeout = {timeout}\n"


def make_gradebook(nbgrader, release_notebooks, timeout):
    """Runs generate_assignment on the release once and returns the files of the course it made."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="deeptoy-grade-"))
    try:
        files = {"nbgrader_config.py": config_text(timeout).encode()}
        files.update({f"source/{ASSIGNMENT}/{name}.ipynb": data for name, data in release_notebooks.items()})
        write_tree(root, files)
        env = dict(os.environ, HOME=str(root))
        r = subprocess.run(nbgrader + ["generate_assignment", ASSIGNMENT, "--force"], cwd=root, env=env,
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0 or not (root / "gradebook.db").is_file():
            fail("nbgrader generate_assignment failed on the release:\n" + r.stdout[-3000:] + r.stderr[-3000:])
        files["gradebook.db"] = (root / "gradebook.db").read_bytes()
        return files
    finally:
        shutil.rmtree(root, ignore_errors=True)


# ---- one notebook ---------------------------------------------------------------------------------------

class Result:
    def __init__(self, student, notebook, exercises):
        self.student, self.notebook = student, notebook
        self.rows = {e["id"]: [0.0, float(e["points"]), ""] for e in exercises}  # id -> [points, max, message]
        self.problem = ""          # why the notebook could not be graded in full (shown in the report)
        self.note = ""             # something the teacher should know, e.g. edited check cells
        self.autograded = None     # the executed notebook (bytes)
        self.log = ""
        self.seconds = 0.0

    def points(self):
        return sum(r[0] for r in self.rows.values())

    def max_points(self):
        return sum(r[1] for r in self.rows.values())

    def all_fail(self, message):
        self.problem = message
        for r in self.rows.values():
            r[0], r[2] = 0.0, message


def check_sources(cells):
    """{grade_id: source} of a notebook's grade (check) cells."""
    out = {}
    for c in cells:
        meta = c.get("metadata", {}).get("nbgrader", {}) if isinstance(c, dict) else {}
        if meta.get("grade"):
            src = c.get("source", "")
            out[meta.get("grade_id")] = "".join(src) if isinstance(src, list) else src
    return out


def precheck(data):
    """Why a submission cannot be a notebook, or None."""
    if data is None:
        return "not submitted"
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "not a notebook: the file is not UTF-8 text"
    except json.JSONDecodeError as e:
        return f"not a notebook: broken JSON ({e.msg} at line {e.lineno}, column {e.colno})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "not a notebook: the JSON has no list of cells"
    if nb.get("nbformat") != 4:
        return f"not a notebook of format 4 (nbformat {nb.get('nbformat')}): save it again from Jupyter"
    return None


def kill_kernels(marker):
    """Kills processes whose command line names `marker` (this run's private runtime folder): the kernels
    this run started, when nbgrader had to be stopped before it could shut them down."""
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            try:
                os.kill(int(proc.name), signal.SIGKILL)
            except OSError:
                pass


def grade_one(nbgrader, course_files, kernel_files, student, notebook, exercises, data, timeout, release_checks,
              sandbox=None):
    result = Result(student, notebook, exercises)
    why = precheck(data)
    if why:
        result.all_fail(why)
        return result
    cells = json.loads(data)["cells"]
    code_cells = sum(1 for c in cells if c.get("cell_type") == "code")
    edited = sorted(gid for gid, src in release_checks.items() if check_sources(cells).get(gid) != src)
    if edited:
        result.note = f"edited check cells: {', '.join(edited)} (nbgrader ran the release's)"
    run = pathlib.Path(tempfile.mkdtemp(prefix="deeptoy-grade-"))
    course, runtime = run / "course", run / "runtime"
    limit = code_cells * (timeout + 10) + 120
    try:
        if sandbox is not None:
            autograde_in_sandbox(sandbox, run, course_files, student, notebook, data, limit, result)
        else:
            autograde_here(nbgrader, run, course_files, kernel_files, student, notebook, data, limit, result)
        autograded = course / "autograded" / student / ASSIGNMENT / f"{notebook}.ipynb"
        scores = read_scores(course / "gradebook.db", student, notebook) if autograded.is_file() else {}
        if not scores:
            result.all_fail(result.problem or "nbgrader could not grade it: " + log_reason(result.log))
            return result
        result.autograded = autograded.read_bytes()
        messages = failure_messages(json.loads(result.autograded))
        for gid, (points, max_points) in scores.items():
            if gid in result.rows:
                result.rows[gid][0], result.rows[gid][1] = points, max_points
                if points < max_points:
                    result.rows[gid][2] = messages.get(gid, "no points (nbgrader gave no reason)")
        problems = sorted({m for m in messages.values() if m.startswith(("the kernel", "the cell ran"))})
        if problems and not result.problem:
            result.problem = "; ".join(problems)
        return result
    finally:
        kill_kernels(str(runtime))
        shutil.rmtree(run, ignore_errors=True)


def autograde_in_sandbox(sandbox, run, course_files, student, notebook, data, limit, result):
    """nbgrader autograde inside grade_sandbox's bubblewrap sandbox; what it wrote lands in run/course."""
    submitted = {f"submitted/{student}/{ASSIGNMENT}/{notebook}.ipynb": data}
    write_tree(run / "in" / "course", dict(course_files, **submitted))
    keep = ["gradebook.db", f"autograded/{student}/{ASSIGNMENT}/{notebook}.ipynb"]
    cmd = ["autograde", ASSIGNMENT, "--student", student, "--create", "--force"]
    files, result.log, result.problem = sandbox.grade(run / "in", cmd, limit, keep)
    write_tree(run / "course", files)


def autograde_here(nbgrader, run, course_files, kernel_files, student, notebook, data, limit, result):
    """nbgrader autograde as the teacher, in a temporary course (grade.sh --no-sandbox)."""
    course, runtime = run / "course", run / "runtime"
    write_tree(course, course_files)
    write_tree(run / "kernels" / "deeptoy", kernel_files)
    # only this one notebook: nothing of another submission is on disk while this one runs
    write_tree(course, {f"submitted/{student}/{ASSIGNMENT}/{notebook}.ipynb": data})
    (run / "home").mkdir()
    runtime.mkdir()
    env = dict(os.environ, HOME=str(run / "home"), JUPYTER_PATH=str(run), JUPYTER_RUNTIME_DIR=str(runtime),
               DEEPTOY_GRADE="1", DEEPTOY_QUICK=os.environ.get("DEEPTOY_QUICK", "1"))
    if "DEEPTOY_DATA" not in env and (pathlib.Path.home() / ".deeptoy" / "datasets").is_dir():
        env["DEEPTOY_DATA"] = str(pathlib.Path.home() / ".deeptoy" / "datasets")
    cmd = nbgrader + ["autograde", ASSIGNMENT, "--student", student, "--create", "--force"]
    with open(run / "autograde.log", "w+", encoding="utf-8", errors="replace") as log:
        p = subprocess.Popen(cmd, cwd=course, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            p.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            result.problem = f"stopped after {limit} s (the whole notebook took too long)"
        kill_kernels(str(runtime))
        log.seek(0)
        result.log = log.read()


def read_scores(db, student, notebook):
    """{grade_id: (points, max_points)} of one submitted notebook, as nbgrader recorded them."""
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "select b.name, g.auto_score, g.manual_score, gc.max_score from grade g"
            " join base_cell b on g.cell_id = b.id join grade_cells gc on gc.id = b.id"
            " join notebook n on b.notebook_id = n.id join submitted_notebook sn on g.notebook_id = sn.id"
            " join submitted_assignment sa on sn.assignment_id = sa.id where sa.student_id = ? and n.name = ?",
            (student, notebook)).fetchall()
    return {name: (manual if manual is not None else (auto or 0.0), max_score) for name, auto, manual, max_score in rows}


def failure_messages(nb):
    """{grade_id: why the check cell scored 0}, read from the executed notebook's outputs."""
    messages, answer_error = {}, None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        stderr = next((o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"), None)
        if meta.get("solution"):
            answer_error = error
        if not meta.get("grade"):
            continue
        if error is not None:
            messages[meta["grade_id"]] = error_message(error, answer_error)
        elif stderr is not None:
            text = "".join(stderr.get("text", "")).strip().splitlines()
            messages[meta["grade_id"]] = "the check wrote to stderr: " + (text[0] if text else "")
        answer_error = None
    return messages


def error_message(error, answer_error):
    name, value = error.get("ename", ""), (error.get("evalue") or "").strip()
    short = name.rsplit(".", 1)[-1]
    if value.startswith("✗"):
        return value[1:].strip()
    if short in ("CellTimeoutError", "TimeoutError") or "timeout" in value.lower() or short == "Interrupted":
        return "the cell ran longer than the time limit and was interrupted (an endless loop?)"
    if short == "DeadKernelError" or "kernel died" in value.lower():
        return "the kernel died while running this cell"
    if answer_error is not None:
        aname = answer_error.get("ename", "").rsplit(".", 1)[-1]
        avalue = (answer_error.get("evalue") or "").strip().splitlines()
        return f"the answer cell failed: {aname}" + (f": {avalue[0]}" if avalue else "")
    first = value.splitlines()[0] if value else ""
    return f"{short}: {first}" if first else short


def kernel_did_not_start(log):
    return "Kernel didn't respond" in log or "Kernel died before replying to kernel_info" in log


def log_reason(log):
    if kernel_did_not_start(log):
        return "the kernel did not start in time (is the machine too busy?)"
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log:
        return "the kernel died (System.exit, a crash, or too little memory)"
    if "CellTimeoutError" in log or "TimeoutError" in log:
        return "a cell did not answer in time"
    errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    return errors[-1].strip()[:300] if errors else "see logs/"


# ---- nbgrader's gradebook, export -------------------------------------------------------------------------

def export_gradebook(nbgrader, course_files, results, students, manifest):
    """nbgrader's export (CSV, one row per student) of a gradebook holding every student's scores."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="deeptoy-grade-"))
    try:
        write_tree(root, course_files)
        db = root / "gradebook.db"
        fill_gradebook(db, results, students)
        env = dict(os.environ, HOME=str(root))
        r = subprocess.run(nbgrader + ["export", "--to", str(root / "export.csv")], cwd=root, env=env,
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            print("grade.sh: nbgrader export failed:\n" + r.stdout[-2000:] + r.stderr[-2000:], file=sys.stderr)
            return None
        return (root / "export.csv").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def fill_gradebook(db, results, students):
    """Writes the scores graded in separate runs into one gradebook, through nbgrader's own API."""
    script = r"""
import json, sys
from nbgrader.api import Gradebook
scores = json.load(sys.stdin)
with Gradebook("sqlite:///" + sys.argv[1]) as gb:
    for s in scores["students"]:
        gb.update_or_create_student(s)
        gb.add_submission(sys.argv[2], s)
    for s, nb, cell, points in scores["grades"]:
        g = gb.find_grade(cell, nb, sys.argv[2], s)
        g.auto_score = points
    gb.db.commit()
"""
    grades = [[r.student, r.notebook, gid, row[0]] for r in results for gid, row in r.rows.items()]
    payload = json.dumps({"students": students, "grades": grades})
    python, env = nbgrader_python()
    subprocess.run(python + ["-c", script, str(db), ASSIGNMENT], input=payload, text=True, check=True,
                   capture_output=True, timeout=600, env=env)


def nbgrader_python():
    """The Python that runs nbgrader (so its API can be imported): the shared runner's, or a venv's."""
    named = shlex.split(os.environ.get("NBGRADER", "")) or [shutil.which("nbgrader") or "nbgrader"]
    exe = pathlib.Path(named[0]).expanduser().resolve() if "/" in named[0] else pathlib.Path(shutil.which(named[0]) or named[0])
    env = dict(os.environ)
    if exe.name == "run" and (exe.parent / "nbgrader").is_dir():  # the source runner: python3 + its PYTHONPATH
        env["PYTHONPATH"] = f"{exe.parent}:{exe.parent / 'shim'}" + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        return ["/usr/bin/python3"], env
    try:
        first = exe.read_text(errors="replace").splitlines()[0] if exe.is_file() else ""
    except OSError:
        first = ""
    if first.startswith("#!") and "python" in first:
        return shlex.split(first[2:].strip()), env
    return [sys.executable], env


# ---- output -----------------------------------------------------------------------------------------------

def write_csv(path, results):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        for r in results:
            for gid, (points, max_points, message) in r.rows.items():
                w.writerow([r.student, r.notebook, gid, f"{points:g}", f"{max_points:g}", message])


def report_html(manifest, results, students, started, seconds):
    totals = collections.OrderedDict((s, 0.0) for s in students)
    for r in results:
        totals[r.student] += r.points()
    max_total = float(manifest["points"])
    # per exercise
    passed = collections.OrderedDict()
    for nb in manifest["notebooks"]:
        for e in nb["exercises"]:
            passed[(nb["notebook"], e["id"])] = [0, 0, e["points"]]
    failures = collections.Counter()
    example = {}
    for r in results:
        for gid, (points, max_points, message) in r.rows.items():
            key = (r.notebook, gid)
            passed[key][1] += 1
            passed[key][0] += points >= max_points
            if message and r.problem != message:
                shape = re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "#", message)
                failures[(r.notebook, gid, shape)] += 1
                example.setdefault((r.notebook, gid, shape), message)
    e = html.escape
    rows = []
    for (nb, gid), (ok, n, pts) in passed.items():
        pct = 100 * ok / n if n else 0
        rows.append(f"<tr><td>{e(nb)}</td><td>{e(gid)}</td><td class=n>{pts:g}</td><td class=n>{ok} / {n}</td>"
                    f"<td><div class=bar><div style='width:{pct:.0f}%'></div></div></td><td class=n>{pct:.0f}%</td></tr>")
    wrong = []
    for (nb, gid, shape), count in failures.most_common(8):
        wrong.append(f"<tr><td class=n>{count}</td><td>{e(nb)} · {e(gid)}</td><td>{e(example[(nb, gid, shape)])}</td></tr>")
    problems = [f"<li><b>{e(r.student)}</b> / {e(r.notebook)}: {e('; '.join(x for x in (r.problem, r.note) if x))}</li>"
                for r in results if r.problem or r.note]
    values = list(totals.values())
    summary = (f"{len(students)} students, {len(results)} notebooks, mean {statistics.mean(values):.1f} / {max_total:g}, "
               f"median {statistics.median(values):g} / {max_total:g}") if values else "no students"
    student_rows = " ".join(f"<span class=chip>{e(s)} <b>{t:g}</b></span>" for s, t in totals.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>DeepToy grades</title>
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 24px 32px; color: #222; max-width: 1100px; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }} h2 {{ font-size: 16px; margin: 20px 0 6px; }}
.sub {{ color: #555; }} table {{ border-collapse: collapse; width: 100%; }}
td, th {{ padding: 3px 8px; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }}
th {{ font-weight: 600; background: #f6f6f6; }} td.n {{ text-align: right; white-space: nowrap; }}
.bar {{ background: #f1d3d3; height: 12px; width: 300px; }} table.rates {{ width: auto; }} .bar div {{ background: #3a8f4f; height: 12px; }}
.cols {{ display: flex; gap: 32px; }} .cols > div {{ flex: 1; }}
.chip {{ display: inline-block; background: #f0f0f0; border-radius: 10px; padding: 1px 8px; margin: 2px; }}
ul {{ margin: 4px 0; padding-left: 20px; }}
</style></head><body>
<h1>DeepToy grades — {e(", ".join(nb["notebook"] for nb in manifest["notebooks"]))}</h1>
<div class=sub>{e(summary)} · graded {e(started)} in {seconds:.0f} s with nbgrader</div>
<h2>Pass rate per exercise</h2>
<table class=rates><tr><th>notebook</th><th>exercise</th><th class=n>points</th><th class=n>passed</th><th></th><th></th></tr>
{"".join(rows)}</table>
<div class=cols><div>
<h2>What the class got wrong (most frequent failures)</h2>
<table><tr><th class=n>students</th><th>exercise</th><th>message</th></tr>{"".join(wrong) or "<tr><td colspan=3>none</td></tr>"}</table>
</div><div style="flex:0 0 360px">
<h2>Totals</h2>
{histogram_svg(values, max_total)}
</div></div>
<h2>Could not be graded in full, and other notes</h2>
<ul>{"".join(problems) or "<li>every notebook ran, no check cell was edited</li>"}</ul>
<h2>Students</h2><div>{student_rows}</div>
</body></html>
"""


def histogram_svg(values, max_total):
    bins = list(range(int(max_total) + 1)) if max_total <= 30 else None
    if bins is None:
        step = max_total / 20
        counts = collections.Counter(min(int(v / step), 19) for v in values)
        labels = [f"{i * step:.0f}" for i in range(20)]
    else:
        counts = collections.Counter(int(v) for v in values)
        labels = [str(b) for b in bins]
    n = len(labels)
    top = max(counts.values(), default=1)
    w, h, pad = 340, 180, 24
    bw = (w - pad) / n
    bars = []
    for i, label in enumerate(labels):
        c = counts.get(i, 0)
        bh = (h - 2 * pad) * c / top
        x = pad + i * bw
        bars.append(f"<rect x='{x + 1:.1f}' y='{h - pad - bh:.1f}' width='{bw - 2:.1f}' height='{bh:.1f}' fill='#4a78b5'/>")
        if c:
            bars.append(f"<text x='{x + bw / 2:.1f}' y='{h - pad - bh - 3:.1f}' font-size='11' text-anchor='middle'>{c}</text>")
        bars.append(f"<text x='{x + bw / 2:.1f}' y='{h - pad + 14:.1f}' font-size='11' text-anchor='middle'>{label}</text>")
    return (f"<svg width='{w}' height='{h}' role='img' aria-label='histogram of total points'>"
            f"<line x1='{pad}' y1='{h - pad}' x2='{w}' y2='{h - pad}' stroke='#999'/>{''.join(bars)}"
            f"<text x='{w / 2:.0f}' y='{h - 1}' font-size='11' text-anchor='middle' fill='#555'>total points (students per total)</text></svg>")


def clock(seconds):
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def make_sandbox(nbgrader, kernel_files, args):
    """The bubblewrap sandbox each notebook is graded in, or None with --no-sandbox (said out loud)."""
    if args.no_sandbox:
        print("grade.sh: --no-sandbox: the students' code runs as you, with your files, your network and no limits"
              " on memory or processes", file=sys.stderr, flush=True)
        return None
    import grade_sandbox
    heap = grade_sandbox.bytes_of(args.memory)
    # address space beyond the heap: the JVM reserves ~1.5 GB (class space, code cache, thread stacks) and
    # OpenBLAS its buffers (heap + 2 GB made it fail in notebook 03b); 20 GB asked for still fails
    limits = grade_sandbox.Limits(memory=heap + (6 << 30), disk=grade_sandbox.bytes_of(args.disk))
    data = os.environ.get("DEEPTOY_DATA") or (str(pathlib.Path.home() / ".deeptoy" / "datasets")
                                              if (pathlib.Path.home() / ".deeptoy" / "datasets").is_dir() else None)
    try:
        sandbox = grade_sandbox.Sandbox(nbgrader, kernel_files, data, limits)
    except grade_sandbox.SandboxError as e:
        fail(str(e))
    print(f"grade.sh: {sandbox.describe()}", file=sys.stderr, flush=True)
    return sandbox


def main():
    ap = argparse.ArgumentParser(prog="grade.sh", description="Grades a folder of DeepToy submissions with nbgrader.")
    ap.add_argument("submissions", type=pathlib.Path, help="folder of <student>/<notebook>.ipynb")
    ap.add_argument("--release", type=pathlib.Path, required=True, help="the assignment (build.py --release DIR)")
    ap.add_argument("--out", type=pathlib.Path, required=True, help="where grades.csv, report.html ... go")
    ap.add_argument("--timeout", type=int, default=60, help="seconds a cell may run before it is interrupted (60)")
    ap.add_argument("--memory", default="2g", help="heap of each grading kernel, as for java -Xmx (2g)")
    ap.add_argument("--jobs", type=int, default=1, help="notebooks graded at the same time, one kernel each (1)")
    ap.add_argument("--disk", default="512m", help="size of each notebook's work folder in the sandbox (512m)")
    ap.add_argument("--no-sandbox", action="store_true",
                    help="run the students' code as you, without bubblewrap: it can read your files and change them")
    args = ap.parse_args()
    if not re.fullmatch(r"\d+[kmgKMG]?", args.memory):
        fail(f"--memory {args.memory}: give a size such as 2g or 1500m")
    if not re.fullmatch(r"\d+[kmgKMG]?", args.disk):
        fail(f"--disk {args.disk}: give a size such as 512m or 1g")

    started_at = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    start = time.monotonic()
    nbgrader = nbgrader_command()
    manifest, release_notebooks = read_release(args.release)
    students, submissions = read_submissions(args.submissions, manifest)
    kernel_files = grading_kernel(args.memory)
    release_checks = {name: check_sources(json.loads(data)["cells"]) for name, data in release_notebooks.items()}
    print(f"grade.sh: {len(students)} students, {len(manifest['notebooks'])} notebooks; preparing the gradebook"
          " (nbgrader generate_assignment) ...", file=sys.stderr, flush=True)
    course_files = make_gradebook(nbgrader, release_notebooks, args.timeout)
    sandbox = make_sandbox(nbgrader, kernel_files, args)

    jobs = [(s, nb) for s in students for nb in manifest["notebooks"]]
    done, lock = [], threading.Lock()
    to_run = sum(1 for s, nb in jobs if submissions[(s, nb["notebook"])] is not None)

    def grade(job):
        student, nb = job
        t = time.monotonic()
        for attempt in (1, 2):
            r = grade_one(nbgrader, course_files, kernel_files, student, nb["notebook"], nb["exercises"],
                          submissions[(student, nb["notebook"])], args.timeout, release_checks[nb["notebook"]], sandbox)
            if r.autograded is not None or not kernel_did_not_start(r.log):
                break  # a kernel that did not start is the machine's fault, not the student's: once more
            print(f"grade.sh: {student}/{nb['file']}: the kernel did not start in time; trying once more",
                  file=sys.stderr, flush=True)
        r.seconds = time.monotonic() - t
        with lock:
            done.append(r)
            ran = [x.seconds for x in done if submissions[(x.student, x.notebook)] is not None]
            eta = (to_run - len(ran)) * statistics.mean(ran) / args.jobs if ran else 0
            print(f"[{len(done)}/{len(jobs)}] {student}/{nb['file']}: {r.points():g} of {r.max_points():g} points"
                  f"{' (' + r.problem + ')' if r.problem else ''}{' (' + r.note + ')' if r.note else ''},"
                  f" {r.seconds:.1f} s; elapsed {clock(time.monotonic() - start)}, ETA {clock(eta)}",
                  file=sys.stderr, flush=True)
        return r

    print(f"grade.sh: grading {len(jobs)} notebooks, {args.jobs} at a time ...", file=sys.stderr, flush=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(grade, jobs))  # in submission order, whatever order they finished in
    finally:
        if sandbox is not None:
            sandbox.close()

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "grades.csv", results)
    exported = export_gradebook(nbgrader, course_files, results, students, manifest)
    if exported is not None:
        (out / "gradebook.csv").write_text(exported, encoding="utf-8")
    for r in results:
        if r.autograded is not None:
            write_tree(out / "autograded", {f"{r.student}/{r.notebook}.ipynb": r.autograded})
        if r.log:
            write_tree(out / "logs", {f"{r.student}-{r.notebook}.log": r.log.encode("utf-8", "replace")})
    (out / "report.html").write_text(report_html(manifest, results, students, started_at, time.monotonic() - start),
                                     encoding="utf-8")
    print(f"grade.sh: graded {len(results)} notebooks in {clock(time.monotonic() - start)}: {out / 'grades.csv'},"
          f" {out / 'gradebook.csv'}, {out / 'report.html'}", file=sys.stderr)


if __name__ == "__main__":
    main()
