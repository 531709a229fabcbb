"""The course through nbgrader, the classroom's autograder, and through install/grade.sh.

Run by GradingTest (mvn test) with JUPYTER_PATH naming a kernel installed by install.sh and NBGRADER
naming nbgrader (the shared runner of nbgrader 0.8.5 in CI). Notebook 01 (the tour) is the assignment of
the fixture tests (grading_fixtures.py builds its submissions); WholeCourseTest grades every notebook of
the course untouched, solved and with a typical mistake in every exercise (course_mistakes.py).
"""
import csv
import io
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import course_mistakes
import grading_fixtures as fixtures

ROOT = pathlib.Path(__file__).resolve().parents[4]
BUILD = ROOT / "notebooks" / "build.py"
NBGRADER = shlex.split(os.environ["NBGRADER"])
TIMEOUT = "10"  # seconds per cell: the endless loop costs this much
# the fixtures for nbgrader itself; grade.sh gets these and more
ROUND_TRIP = ["correct", "partial", "empty", "loop", "exit", "oom", "cheat", "corrupt", "otherkernel", "noisy"]
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def run(cmd, cwd=None, ok=True, timeout=900, env=None):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    if ok and r.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
    return r


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def shown(cell):
    """The text a cell's outputs show (streams, errors, text/plain and text/html; no images)."""
    parts = []
    for o in cell.get("outputs", []):
        parts.append("".join(o.get("text", "")) + o.get("evalue", ""))
        for mime in ("text/plain", "text/html"):
            v = o.get("data", {}).get(mime, "")
            parts.append("".join(v) if isinstance(v, list) else v)
    return "\n".join(parts)


def solution_lines(teacher_nb):
    """Every line between BEGIN SOLUTION and END SOLUTION that could give an answer away (not a lone brace)."""
    lines, inside = [], False
    for cell in teacher_nb["cells"]:
        for line in source(cell).split("\n"):
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(re.sub(r"[\s{}();]", "", line)) > 0:
                lines.append(line.strip())
    return lines


class Course:
    """Both versions of the course built once (not executed), and a release of notebook 01."""
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="deeptoy-grading-test-"))
    built = tmp / "built"
    release = tmp / "release"
    run([PYTHON, BUILD, "--out", built])
    run([PYTHON, BUILD, "--release", release, fixtures.NOTEBOOK])


class ReleaseTest(unittest.TestCase):
    def test_released_notebooks_contain_no_solution_line(self):
        everything = Course.tmp / "everything"
        run([PYTHON, BUILD, "--release", everything])
        manifest = json.loads((everything / "manifest.json").read_text(encoding="utf-8"))
        teachers = sorted((Course.built / "solutions").glob("*.ipynb"))
        self.assertEqual([t.stem for t in teachers], [n["notebook"] for n in manifest["notebooks"]])
        # nbgrader's own release of the teacher notebooks, with the project's nbgrader_config.py
        course = Course.tmp / "nbgrader-release"
        (course / "source" / "all").mkdir(parents=True)
        shutil.copy(ROOT / "notebooks" / "nbgrader_config.py", course)
        for t in teachers:
            shutil.copy(t, course / "source" / "all")
        run(NBGRADER + ["generate_assignment", "all"], cwd=course)
        checked = 0
        for t in teachers:
            answers = solution_lines(json.loads(t.read_text(encoding="utf-8")))
            self.assertTrue(answers, f"{t.name} has no solution lines")
            for released in (everything / t.name, course / "release" / "all" / t.name):
                nb = json.loads(released.read_text(encoding="utf-8"))
                # what a student sees that the lessons (the same in both versions) do not show anyway
                text = "\n".join([source(c) for c in nb["cells"] if "exercise" in c["metadata"].get("tags", [])
                                   or c["metadata"].get("nbgrader", {}).get("solution")] + [shown(c) for c in nb["cells"]])
                for line in answers:
                    if line in text:
                        self.fail(f"{released} gives away the solution line '{line}'")
                    checked += 1
                for c in nb["cells"]:
                    if {"exercise", "check"} & set(c["metadata"].get("tags", [])):
                        self.assertEqual([], c.get("outputs", []), f"{released}: an exercise or check cell has outputs")
                    if c["metadata"].get("nbgrader", {}).get("grade"):
                        # the check lives in the course library: one call, no reference and no verdict of its own
                        code = [l for l in source(c).splitlines() if l.strip() and not l.strip().startswith("//")]
                        self.assertRegex("\n".join(code), r"^[A-Z]\w*Checks\.\w+\(.*\);$", f"{released}: check cell {code}")
            entry = next(n for n in manifest["notebooks"] if n["notebook"] == t.stem)
            self.assertEqual(sum(e["points"] for e in entry["exercises"]), entry["points"])
            self.assertGreaterEqual(len(entry["exercises"]), 1, t.stem)
        self.assertGreater(checked, 100)
        self.assertEqual(sum(n["points"] for n in manifest["notebooks"]), manifest["points"])


class NbgraderRoundTripTest(unittest.TestCase):
    """generate_assignment from the teacher's notebook, autograde of the fixtures, export."""

    def test_autograde_and_export_give_the_expected_gradebook(self):
        course = Course.tmp / "nbgrader-course"
        (course / "source" / "ps1").mkdir(parents=True)
        config = (ROOT / "notebooks" / "nbgrader_config.py").read_text(encoding="utf-8")
        (course / "nbgrader_config.py").write_text(config + f"\nc.Execute.timeout = {TIMEOUT}\n", encoding="utf-8")
        shutil.copy(Course.built / "solutions" / f"{fixtures.NOTEBOOK}.ipynb", course / "source" / "ps1")
        run(NBGRADER + ["generate_assignment", "ps1"], cwd=course)
        released = course / "release" / "ps1" / f"{fixtures.NOTEBOOK}.ipynb"
        fixtures.build(released, Course.built / "solutions" / f"{fixtures.NOTEBOOK}.ipynb", course / "submitted",
                       lambda s: f"{s}/ps1/{fixtures.NOTEBOOK}.ipynb", ROUND_TRIP)
        # the corrupt notebook makes nbgrader report an error (exit 1) after grading the others
        graded = run(NBGRADER + ["autograde", "ps1", "--create"], cwd=course, ok=False)
        self.assertIn("corrupt", graded.stdout + graded.stderr)
        run(NBGRADER + ["export"], cwd=course)
        rows = list(csv.DictReader(io.StringIO((course / "grades.csv").read_text(encoding="utf-8"))))
        got = {r["student_id"]: (float(r["score"]), float(r["max_score"])) for r in rows}
        want = {s: (fixtures.points(s), fixtures.MAX_POINTS) for s in ROUND_TRIP if s != "corrupt"}
        want["corrupt"] = (0.0, fixtures.MAX_POINTS)  # nbgrader lists a student it could not grade with 0 (or not at all)
        if "corrupt" not in got:
            del want["corrupt"]
        self.assertEqual(want, got, (course / "grades.csv").read_text(encoding="utf-8"))
        self.assertEqual(len(ROUND_TRIP) - 1, sum(1 for s in got if s != "corrupt"))
        # nbgrader restored the edited check cells from the release before running them
        cheat = json.loads((course / "autograded" / "cheat" / "ps1" / f"{fixtures.NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
        release = json.loads(released.read_text(encoding="utf-8"))
        self.assertEqual({k: v[0] for k, v in checks(release).items()}, {k: v[0] for k, v in checks(cheat).items()})
        self.assertTrue(all(v[1] for v in checks(cheat).values()), "each restored check failed (an error output)")


def checks(nb):
    """{grade_id: (source, whether it has an error output)} of the grade cells."""
    return {c["metadata"]["nbgrader"]["grade_id"]: (source(c), any(o.get("output_type") == "error" for o in c.get("outputs", [])))
            for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")}


class GradeShTest(unittest.TestCase):
    """The same fixtures, plus a vandal, through install/grade.sh."""

    def test_grade_sh_grades_every_submission_and_reports(self):
        subs, out = Course.tmp / "submissions", Course.tmp / "out"
        release_nb = Course.release / f"{fixtures.NOTEBOOK}.ipynb"
        teacher_nb = Course.built / "solutions" / f"{fixtures.NOTEBOOK}.ipynb"
        fixtures.build(release_nb, teacher_nb, subs, lambda s: f"{s}/{fixtures.NOTEBOOK}.ipynb")
        # graded first: deletes the other submissions, the release and OUT, and reads a classmate's notebook
        vandal = json.loads((subs / "correct" / f"{fixtures.NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
        targets = [subs / s / f"{fixtures.NOTEBOOK}.ipynb" for s in fixtures.EXPECTED] + [release_nb, out / "grades.csv"]
        vandal["cells"].insert(0, {"cell_type": "code", "execution_count": None, "id": "vandal", "metadata": {}, "outputs": [],
                                   "source": "String stolen = java.nio.file.Files.readString(java.nio.file.Path.of(\"%s\"));\n"
                                             "for (String p : new String[] {%s}) java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(p));"
                                             % (subs / "correct" / f"{fixtures.NOTEBOOK}.ipynb",
                                                ", ".join(json.dumps(str(t)) for t in targets))})
        (subs / "a-vandal").mkdir()
        (subs / "a-vandal" / f"{fixtures.NOTEBOOK}.ipynb").write_text(json.dumps(vandal), encoding="utf-8")
        release_copy = Course.tmp / "release-copy"
        shutil.copytree(Course.release, release_copy)

        r = run(["bash", ROOT / "install" / "grade.sh", subs, "--release", release_copy, "--out", out,
                 "--timeout", TIMEOUT, "--memory", "512m", "--jobs", "2"], timeout=1200)
        self.assertTrue(release_nb.exists() and (subs / "correct" / f"{fixtures.NOTEBOOK}.ipynb").exists(),
                        "grade.sh's sandbox kept the vandal from deleting files outside its copy")
        n = len(fixtures.EXPECTED) + 1
        self.assertIn(f"[{n}/{n}]", r.stderr)
        self.assertRegex(r.stderr, r"\[3/%d\] .*points.*elapsed \d+:\d\d, ETA \d+:\d\d" % n)

        text = (out / "grades.csv").read_text(encoding="utf-8")
        self.assertTrue(text.startswith("student,notebook,exercise,points,max_points,message\n"), text[:200])
        rows = list(csv.DictReader(io.StringIO(text)))
        got = {(r["student"], r["exercise"]): float(r["points"]) for r in rows}
        want = {}
        for s, (a, b) in dict(fixtures.EXPECTED, **{"a-vandal": (1, 1)}).items():
            want[(s, "firstTensor")], want[(s, "rowMeans")] = a * fixtures.POINTS["firstTensor"], b * fixtures.POINTS["rowMeans"]
        self.assertEqual(want, got, text)
        self.assertTrue(all(r["notebook"] == fixtures.NOTEBOOK and float(r["max_points"]) == fixtures.POINTS[r["exercise"]] for r in rows))
        message = {(r["student"], r["exercise"]): r["message"] for r in rows}
        self.assertIn("you summed each row", message[("partial", "rowMeans")])
        self.assertIn("time limit", message[("loop", "rowMeans")])
        self.assertIn("OutOfMemoryError", message[("oom", "rowMeans")])
        self.assertIn("calls itself without end", message[("stackoverflow", "rowMeans")])
        self.assertIn("System.exit", message[("exit", "rowMeans")])
        self.assertIn("broken JSON", message[("corrupt", "firstTensor")])
        self.assertIn("is null", message[("cheat", "firstTensor")])
        self.assertEqual("", message[("correct", "rowMeans")])

        gradebook = list(csv.DictReader(io.StringIO((out / "gradebook.csv").read_text(encoding="utf-8"))))
        self.assertEqual({s: fixtures.points(s) for s in dict(fixtures.EXPECTED, **{"a-vandal": (1, 1)})},
                         {g["student_id"]: float(g["score"]) for g in gradebook})

        report = (out / "report.html").read_text(encoding="utf-8")
        for words in ("Pass rate per exercise", "What the class got wrong", "<svg", "broken JSON", "time limit",
                      "edited check cells"):
            self.assertIn(words, report)
        noisy = json.loads((out / "autograded" / "noisy" / f"{fixtures.NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
        printed = [o for c in noisy["cells"] if c["metadata"].get("nbgrader", {}).get("grade") for o in c["outputs"]]
        self.assertTrue(any("computing row means" in "".join(o.get("text", "")) for o in printed), printed)
        self.assertFalse([o for o in printed if o.get("name") == "stderr"], "graded cells write nothing to stderr")
        cheat = json.loads((out / "autograded" / "cheat" / f"{fixtures.NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
        release = json.loads((release_copy / f"{fixtures.NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
        self.assertEqual(grade_sources(release), grade_sources(cheat), "nbgrader restores the check cells")


class WholeCourseTest(unittest.TestCase):
    """Every notebook released and handed in three times: untouched (0 points on every exercise), solved
    (full points) and with a plausible mistake in every exercise (0 points, and a ✗ line naming the
    mistake; an exercise with several classic mistakes is handed in once more for each further one),
    graded through grade.sh and nbgrader in quick mode. Prints a report per notebook."""

    def test_blank_scores_nothing_solved_everything_and_each_mistake_is_named(self):
        release, subs, out = Course.tmp / "course-release", Course.tmp / "course-submissions", Course.tmp / "course-out"
        only = os.environ.get("DEEPTOY_GRADE_ONLY", "").split()  # e.g. "03b 04b": those notebooks only (a local run)
        run([PYTHON, BUILD, "--release", release] + only)
        manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["notebooks"]:
            name = entry["notebook"]
            released = json.loads((release / entry["file"]).read_text(encoding="utf-8"))
            answers = fixtures.solutions(json.loads((Course.built / "solutions" / entry["file"]).read_text(encoding="utf-8")))
            # "mistakes" has every exercise's first mistake, "mistakes-2" the second of those that have one, ...
            more = max(len(course_mistakes.mistakes(ex["id"])) for ex in entry["exercises"])
            for student in ["blank", "solved", "mistakes"] + [f"mistakes-{k + 1}" for k in range(1, more)]:
                k = int(student.split("-")[1]) - 1 if student.startswith("mistakes-") else 0
                nb = json.loads(json.dumps(released))
                for ex in entry["exercises"]:
                    if student != "blank":
                        right = answers[ex["id"] + "-answer"]
                        mistaken = student != "solved" and k < len(course_mistakes.mistakes(ex["id"]))
                        fixtures.answer(nb, ex["id"] + "-answer", course_mistakes.wrong(ex["id"], right, k) if mistaken else right)
                (subs / student).mkdir(parents=True, exist_ok=True)
                (subs / student / entry["file"]).write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        jobs = os.environ.get("DEEPTOY_GRADE_JOBS", "2")
        start = time.monotonic()
        r = run(["bash", ROOT / "install" / "grade.sh", subs, "--release", release, "--out", out, "--timeout", "300",
                 "--memory", "3g", "--jobs", jobs], timeout=3 * 3600)
        seconds = time.monotonic() - start
        rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text(encoding="utf-8"))))
        got = {(row["student"], row["notebook"], row["exercise"]): row for row in rows}
        took = {(m.group(1), m.group(2)): float(m.group(3))
                for m in re.finditer(r"\] (\S+)/(\S+)\.ipynb: .*?, ([0-9.]+) s; elapsed", r.stderr)}
        problems, report = [], []
        for entry in manifest["notebooks"]:
            name, ids = entry["notebook"], [e["id"] for e in entry["exercises"]]
            blank = sum(float(got[("blank", name, i)]["points"]) for i in ids)
            solved = sum(float(got[("solved", name, i)]["points"]) for i in ids)
            tried = [(i, k, "mistakes" if k == 0 else f"mistakes-{k + 1}") for i in ids
                     for k in range(len(course_mistakes.mistakes(i)))]
            wrong = sum(float(got[(student, name, i)]["points"]) for i, _, student in tried)
            named = sum(1 for i, k, student in tried if course_mistakes.mistakes(i)[k][2] in got[(student, name, i)]["message"])
            report.append(f"{name:24} exercises {len(ids)}, points {entry['points']:2}: blank {blank:g}, solved {solved:g}, "
                          f"mistakes tried {len(tried)} -> {wrong:g} points, {named} named in the hint; "
                          + "/".join(f"{took.get((st, name), float('nan')):.0f}" for st in ("blank", "solved", "mistakes"))
                          + " s to grade")
            for i in ids:
                if float(got[("blank", name, i)]["points"]) != 0:
                    problems.append(f"{name} {i}: the untouched release scores points")
                row = got[("solved", name, i)]
                if float(row["points"]) != float(row["max_points"]):
                    problems.append(f"{name} {i}: the solution scores {row['points']} of {row['max_points']}: {row['message']}")
            for i, k, student in tried:
                _, mistake, words = course_mistakes.mistakes(i)[k]
                row = got[(student, name, i)]
                if float(row["points"]) != 0:
                    problems.append(f"{name} {i}: the mistake ({mistake.strip()!r}) scores points")
                elif words not in row["message"]:
                    problems.append(f"{name} {i}: the hint for the mistake does not say '{words}': {row['message']}")
        print(f"\nwhole course graded: {len(manifest['notebooks'])} notebooks x 3 submissions (and one more per further"
              f" mistake of an exercise), {sum(len(n['exercises']) for n in manifest['notebooks'])} exercises,"
              f" {manifest['points']} points, --jobs {jobs}, {seconds:.0f} s", file=sys.stderr)
        print("\n".join(report), file=sys.stderr)
        self.assertEqual([], problems, r.stderr[-3000:])


def grade_sources(nb):
    return {c["metadata"]["nbgrader"]["grade_id"]: source(c) for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")}


if __name__ == "__main__":
    unittest.main()
