#!/usr/bin/env python3
"""Builds the course notebooks from their sources, for students and for teachers.

A source (src/NN-name.java) is a sequence of cells, each opened by a marker line:

    // %% md          a markdown cell: the following lines, each starting with "// "
    // %%             a code cell
    // %% exercise    a code cell the student completes (options: "points=2", "id=name")

Inside code cells, lines between "// BEGIN SOLUTION" and "// END SOLUTION" are the teacher's
solution; the student's version drops them and keeps the lines written as "// STUDENT: code"
(uncommented). One source gives both versions, so they never drift. Exercise cells are tagged
"exercise"; a check cell (one that calls a course checks class, `TourChecks.rowMeans(...)`, or the code cell
right after an exercise) is tagged "check" and must print ✓ for the solution and ✗ for the student's
version. The check itself lives in the course module (notebooks/course, one checks class per notebook),
never in the cell: a check cell is one call, so the student never reads the reference, and a cell that
prints its own ✓/✗ (which would score a blank answer full marks when graded) stops the build.

Both versions carry nbgrader metadata: an exercise cell is an nbgrader solution cell (grade_id
"<id>-answer"), the check cell right after it a locked grade cell (grade_id "<id>", 1 point unless the
exercise says points=N); <id> is the exercise's id= option, else the name of the check's last call
(TourChecks.rowMeans -> rowMeans). The teacher's version (solutions/) keeps the
"// BEGIN SOLUTION" / "// END SOLUTION" lines, so it is an nbgrader source notebook as it is; the
student's version is stored without outputs in exercise and check cells (no ✗ line to give away).

Before the first marker, lines "// expect: WHAT" declare what the executed notebook must show;
they go to the notebook's metadata (deeptoy.expect) and the kernel module's NotebooksTest reads
them: a MIME type (image/svg+xml, text/html, image/png) that some output must have, or
"text: some words" that some printed or shown text must contain (e.g. an accuracy line).

    // expect: image/svg+xml
    // expect: text: held-out accuracy

    python3 build.py                 # write student notebooks and solutions/ (not executed)
    python3 build.py --execute       # and run every notebook on the deeptoy kernel, keeping outputs
    python3 build.py --execute 04    # only sources whose name starts with 04
    python3 build.py --text-only 07  # a change of markdown only: keep the stored outputs (no kernel)
    python3 build.py --release DIR 04 05   # an assignment: DIR/04-*.ipynb, DIR/05-*.ipynb, DIR/manifest.json

A run with --execute fails (exit 1) when any cell of any notebook produces an error.
"""
import argparse
import datetime
import json
import pathlib
import re
import sys
import time

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = pathlib.Path(__file__).resolve().parent
MARKER = re.compile(r"^// %%\s*(\w*)((?:\s+\w+=\S+)*)\s*$")
CALL = re.compile(r"([A-Za-z_]\w*)\s*\(")
CHECK_CALL = re.compile(r"\b[A-Z]\w*Checks\.\w+\s*\(")
EXPECT = re.compile(r"^// expect:\s*(.+?)\s*$")
MIME_TYPES = ("image/svg+xml", "text/html", "image/png", "image/jpeg", "text/plain")


def parse(path):
    """Returns ([(kind, [lines], {options})] with kind in md / code / exercise, [expectations])."""
    cells, kind, lines, expect, options = [], None, [], [], {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = MARKER.match(line)
        if m:
            if kind is not None:
                cells.append((kind, lines, options))
            kind, lines = (m.group(1) or "code"), []
            options = dict(o.split("=", 1) for o in m.group(2).split())
            if kind not in ("md", "code", "exercise"):
                sys.exit(f"{path.name}:{lineno}: unknown cell kind '{kind}' (md, code or exercise)")
            if set(options) - ({"points", "id"} if kind == "exercise" else set()):
                sys.exit(f"{path.name}:{lineno}: unknown options {sorted(options)} (an exercise takes points=N and id=name)")
        elif kind is None:
            e = EXPECT.match(line)
            if e:
                what = e.group(1)
                if what not in MIME_TYPES and not what.startswith("text:"):
                    sys.exit(f"{path.name}:{lineno}: expect one of {', '.join(MIME_TYPES)} or 'text: words', not '{what}'")
                expect.append(what)
            elif line.strip():
                sys.exit(f"{path.name}:{lineno}: text before the first '// %%' marker (only '// expect: ...' lines)")
        else:
            lines.append(line)
    if kind is not None:
        cells.append((kind, lines, options))
    return cells, expect


def code_for(lines, teacher, where):
    out, in_solution = [], False
    for line in lines:
        s = line.strip()
        if s == "// BEGIN SOLUTION":
            if in_solution:
                sys.exit(f"{where}: nested BEGIN SOLUTION")
            in_solution = True
            if teacher:
                out.append(line)  # nbgrader finds solution regions by these markers
        elif s == "// END SOLUTION":
            if not in_solution:
                sys.exit(f"{where}: END SOLUTION without BEGIN")
            in_solution = False
            if teacher:
                out.append(line)
        elif s.startswith("// STUDENT:"):
            if not teacher:
                indent = line[: len(line) - len(line.lstrip())]
                out.append(indent + s[len("// STUDENT:"):].strip())
        elif teacher or not in_solution:
            out.append(line)
    if in_solution:
        sys.exit(f"{where}: BEGIN SOLUTION without END")
    return "\n".join(out).strip("\n")


def notebook(path, teacher):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "deeptoy", "display_name": "Java (DeepToy)", "language": "java"}
    # what the kernel reports (DeepToyKernel.LANGUAGE_INFO), so a notebook highlights before it runs
    nb.metadata["language_info"] = {"name": "java", "codemirror_mode": "java", "file_extension": ".java",
                                    "mimetype": "text/x-java", "pygments_lexer": "java"}
    cells, expect = parse(path)
    nb.metadata["deeptoy"] = {"version": "teacher" if teacher else "student", "expect": expect}
    for i, (kind, lines, options) in enumerate(cells):
        where = f"{path.name} cell {i + 1}"
        if kind == "md":
            text = "\n".join(l[3:] if l.startswith("// ") else l[2:] if l.startswith("//") else l for l in lines)
            nb.cells.append(new_markdown_cell(text.strip("\n")))
        else:
            cell = new_code_cell(code_for(lines, teacher, where))
            if kind == "exercise":
                cell.metadata["tags"] = ["exercise"]
                check = cells[i + 1] if i + 1 < len(cells) else None
                if check is None or check[0] != "code":
                    sys.exit(f"{where}: an exercise must be followed by its check cell (a code cell)")
                name = exercise_id(options, code_for(check[1], True, where), where)
                cell.metadata["nbgrader"] = nbgrader_meta(name + "-answer", solution=True)
            elif CHECK_CALL.search(cell.source) or (i > 0 and cells[i - 1][0] == "exercise"):
                cell.metadata["tags"] = ["check"]
                if i > 0 and cells[i - 1][0] == "exercise":
                    code = [l for l in cell.source.splitlines() if l.strip() and not l.strip().startswith("//")]
                    if len(code) != 1 or not CHECK_CALL.search(code[0]) or re.search(r"System\.(out|err)|✓|✗", cell.source):
                        sys.exit(f"{where}: a check cell is one call of the course's checks (e.g. TourChecks.rowMeans(rowMeans);),"
                                 " which pass or fail through the course library; a check written in the cell shows the student"
                                 " the reference, and one that prints its own ✗ scores a blank answer full marks")
                    prev = cells[i - 1]
                    name = exercise_id(prev[2], cell.source, where)
                    cell.metadata["nbgrader"] = nbgrader_meta(name, grade=True, points=int(prev[2].get("points", 1)))
            nb.cells.append(cell)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    if len(ids) != len(set(ids)):
        sys.exit(f"{path.name}: two exercises have the same id ({sorted(ids)}): give one an id=name option")
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i + 1}"  # stable ids: a rebuilt notebook differs only where its content does
    return nb


def exercise_id(options, check_source, where):
    """The exercise's id= option, else the check's last call: TourChecks.rowMeans(...) -> rowMeans, checkHinge() -> hinge."""
    if "id" in options:
        return options["id"]
    calls = CALL.findall(check_source.strip().splitlines()[-1] if check_source.strip() else "")
    if not calls:
        sys.exit(f"{where}: cannot name the exercise from its check cell's last line: add id=name to '// %% exercise'")
    name = calls[0]
    if name.startswith("check") and len(name) > len("check"):
        name = name[len("check")].lower() + name[len("check") + 1:]
    return name


def nbgrader_meta(grade_id, solution=False, grade=False, points=0):
    """nbgrader's cell metadata (schema 3): an answer cell is a solution cell, a check a locked grade cell."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3, "solution": solution,
            "task": False}
    if grade:
        meta["points"] = points
    return meta


def exercises(nb):
    """[(id, points)] of a built notebook's graded checks, in order."""
    return [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"]["points"]) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


def without_answers(nb, stored=None):
    """A student version as released: no outputs in exercise and check cells; other cells keep the
    outputs of the stored (executed) student notebook when their source is the same."""
    old = {}
    if stored is not None and stored.is_file():
        for c in nbformat.read(stored, as_version=4).cells:
            if c.cell_type == "code":
                old.setdefault(c.source, c.get("outputs", []))
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        if {"exercise", "check"} & set(c.metadata.get("tags", [])):
            c.outputs, c.execution_count = [], None
        elif not c.outputs and c.source in old:
            c.outputs = old[c.source]
    return nb


def release(sources, out):
    """Writes the student versions of `sources` and manifest.json (exercises and points) into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"course": "DeepToy", "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "notebooks": []}
    for src in sources:
        nb = without_answers(notebook(src, teacher=False), HERE / (src.stem + ".ipynb"))
        nbformat.write(nb, out / (src.stem + ".ipynb"))
        ex = exercises(nb)
        manifest["notebooks"].append({"notebook": src.stem, "file": src.stem + ".ipynb",
                                      "exercises": [{"id": i, "points": p} for i, p in ex],
                                      "points": sum(p for _, p in ex)})
        print(f"released {src.stem}.ipynb: {len(ex)} exercises, {sum(p for _, p in ex)} points")
    manifest["points"] = sum(n["points"] for n in manifest["notebooks"])
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out / 'manifest.json'}: {len(sources)} notebooks, {manifest['points']} points")


def with_stored_outputs(nb, stored, name):
    """`nb` with the outputs of the executed notebook `stored`, whose code cells must be the same: for a
    change of markdown only, which needs no kernel. Exits naming the first code cell that changed."""
    if not stored.is_file():
        sys.exit(f"{name}: not executed yet; build it with --execute")
    executed = nbformat.read(stored, as_version=4)
    nb.metadata["language_info"] = executed.metadata.get("language_info", nb.metadata["language_info"])  # the kernel's
    old = [c for c in executed.cells if c.cell_type == "code"]
    new = [(i, c) for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"]
    for k, (i, cell) in enumerate(new):
        if k >= len(old) or cell.source != old[k].source:
            sys.exit(f"{name} cell {i}: its code changed since the notebook was executed; build it with --execute")
        cell.outputs, cell.execution_count = old[k].outputs, old[k].execution_count
    if len(old) != len(new):
        sys.exit(f"{name}: {len(old) - len(new)} code cells fewer than when executed; build it with --execute")
    return nb


def is_answer(cell):
    return bool({"exercise", "check"} & set(cell.metadata.get("tags", [])))


def same_lessons(student, teacher):
    """Whether the two versions differ only in exercise and check cells (so lessons run the same)."""
    if teacher is None or len(student.cells) != len(teacher.cells):
        return False
    return all(s.cell_type == t.cell_type and (is_answer(s) or s.source == t.source)
               for s, t in zip(student.cells, teacher.cells))


def lessons_from(student, teacher):
    """The student version with the executed teacher version's outputs in every cell but exercises and checks."""
    for s, t in zip(student.cells, teacher.cells):
        if s.cell_type == "code" and not is_answer(s):
            s.outputs, s.execution_count = t.outputs, t.execution_count
    student.metadata["language_info"] = teacher.metadata.get("language_info", student.metadata["language_info"])
    return student


def execute(nb, name, timeout):
    from nbclient import NotebookClient
    # No timing metadata: the stored notebooks should change only when their outputs do.
    client = NotebookClient(nb, kernel_name="deeptoy", timeout=timeout, allow_errors=True, record_timing=False,
                            resources={"metadata": {"path": str(HERE)}})
    client.execute()
    errors = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"{name} cell {i + 1}: {out.get('ename')}: {out.get('evalue')}")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("only", nargs="*", help="build only sources whose name starts with one of these")
    ap.add_argument("--execute", action="store_true", help="run the notebooks on the deeptoy kernel")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds a cell may take")
    ap.add_argument("--out", default=str(HERE), help="where student notebooks go (solutions/ below it)")
    ap.add_argument("--release", metavar="DIR", help="write an assignment for students into DIR instead: student"
                    " versions without answers and manifest.json")
    ap.add_argument("--text-only", action="store_true", help="keep the stored notebooks' outputs: for a change of"
                    " markdown only (fails if code changed)")
    ap.add_argument("--keep-check-outputs", action="store_true", help="keep the outputs of exercise and check cells"
                    " in executed student versions (tests read the ✗ lines)")
    args = ap.parse_args()

    sources = sorted((HERE / "src").glob("*.java"))
    if args.only:
        sources = [s for s in sources if any(s.name.startswith(o) for o in args.only)]
    if not sources:
        sys.exit("no notebook sources matched")
    if args.release:
        release(sources, pathlib.Path(args.release))
        return
    out = pathlib.Path(args.out)
    (out / "solutions").mkdir(parents=True, exist_ok=True)
    failures = []
    for src in sources:
        executed_teacher = None
        for teacher in (True, False):
            nb = notebook(src, teacher)
            target = (out / "solutions" if teacher else out) / (src.stem + ".ipynb")
            if args.execute and not teacher and not args.keep_check_outputs and same_lessons(nb, executed_teacher):
                # the student version is stored without outputs in exercise and check cells, and its other
                # cells are the teacher's: their outputs are the teacher's run (half the time of a full build)
                nb = lessons_from(nb, executed_teacher)
                print(f"  {target.relative_to(out)}: the lessons' outputs of {src.stem}'s executed teacher version", flush=True)
            elif args.execute:
                print(f"executing {target.relative_to(out)} ...", flush=True)
                start = time.monotonic()
                failures += execute(nb, str(target.relative_to(out)), args.timeout)
                print(f"  {target.relative_to(out)}: {time.monotonic() - start:.1f} s", flush=True)
                if teacher:
                    executed_teacher = nb
            elif args.text_only:
                nb = with_stored_outputs(nb, target, str(target.relative_to(out)))
            if not teacher and not args.keep_check_outputs:
                without_answers(nb)
            nbformat.write(nb, target)
    for f in failures:
        print("ERROR", f, file=sys.stderr)
    print(f"{len(sources) * 2} notebooks built, {len(failures)} cells with errors")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
