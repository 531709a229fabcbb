#!/usr/bin/env python3
"""Builds the course notebooks from their sources, for students and for teachers.

A source (src/NN-name.java) is a sequence of cells, each opened by a marker line:

    // %% md          a markdown cell: the following lines, each starting with "// "
    // %%             a code cell
    // %% exercise    a code cell the student completes

Inside code cells, lines between "// BEGIN SOLUTION" and "// END SOLUTION" are the teacher's
solution; the student's version drops them and keeps the lines written as "// STUDENT: code"
(uncommented). One source gives both versions, so they never drift. Exercise cells are tagged
"exercise"; a check cell (one that calls `Exercises.`, or the code cell right after an exercise) is
tagged "check" and must print ✓ for the solution and ✗ for the student's version.

Before the first marker, lines "// expect: WHAT" declare what the executed notebook must show;
they go to the notebook's metadata (deeptoy.expect) and the kernel module's NotebooksTest reads
them: a MIME type (image/svg+xml, text/html, image/png) that some output must have, or
"text: some words" that some printed or shown text must contain (e.g. an accuracy line).

    // expect: image/svg+xml
    // expect: text: held-out accuracy

    python3 build.py                 # write student notebooks and solutions/ (not executed)
    python3 build.py --execute       # and run every notebook on the deeptoy kernel, keeping outputs
    python3 build.py --execute 04    # only sources whose name starts with 04

A run with --execute fails (exit 1) when any cell of any notebook produces an error.
"""
import argparse
import pathlib
import re
import sys
import time

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = pathlib.Path(__file__).resolve().parent
MARKER = re.compile(r"^// %%\s*(\w*)\s*$")
EXPECT = re.compile(r"^// expect:\s*(.+?)\s*$")
MIME_TYPES = ("image/svg+xml", "text/html", "image/png", "image/jpeg", "text/plain")


def parse(path):
    """Returns ([(kind, [lines])] with kind in md / code / exercise, [expectations])."""
    cells, kind, lines, expect = [], None, [], []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = MARKER.match(line)
        if m:
            if kind is not None:
                cells.append((kind, lines))
            kind, lines = (m.group(1) or "code"), []
            if kind not in ("md", "code", "exercise"):
                sys.exit(f"{path.name}:{lineno}: unknown cell kind '{kind}' (md, code or exercise)")
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
        cells.append((kind, lines))
    return cells, expect


def code_for(lines, teacher, where):
    out, in_solution = [], False
    for line in lines:
        s = line.strip()
        if s == "// BEGIN SOLUTION":
            if in_solution:
                sys.exit(f"{where}: nested BEGIN SOLUTION")
            in_solution = True
        elif s == "// END SOLUTION":
            if not in_solution:
                sys.exit(f"{where}: END SOLUTION without BEGIN")
            in_solution = False
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
    nb.metadata["language_info"] = {"name": "java", "file_extension": ".jshell", "mimetype": "text/x-java-source"}
    cells, expect = parse(path)
    nb.metadata["deeptoy"] = {"version": "teacher" if teacher else "student", "expect": expect}
    for i, (kind, lines) in enumerate(cells):
        where = f"{path.name} cell {i + 1}"
        if kind == "md":
            text = "\n".join(l[3:] if l.startswith("// ") else l[2:] if l.startswith("//") else l for l in lines)
            nb.cells.append(new_markdown_cell(text.strip("\n")))
        else:
            cell = new_code_cell(code_for(lines, teacher, where))
            if kind == "exercise":
                cell.metadata["tags"] = ["exercise"]
            elif "Exercises." in cell.source or (i > 0 and cells[i - 1][0] == "exercise"):
                cell.metadata["tags"] = ["check"]
            nb.cells.append(cell)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i + 1}"  # stable ids: a rebuilt notebook differs only where its content does
    return nb


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
    args = ap.parse_args()

    out = pathlib.Path(args.out)
    (out / "solutions").mkdir(parents=True, exist_ok=True)
    sources = sorted((HERE / "src").glob("*.java"))
    if args.only:
        sources = [s for s in sources if any(s.name.startswith(o) for o in args.only)]
    if not sources:
        sys.exit("no notebook sources matched")
    failures = []
    for src in sources:
        for teacher in (False, True):
            nb = notebook(src, teacher)
            target = (out / "solutions" if teacher else out) / (src.stem + ".ipynb")
            if args.execute:
                print(f"executing {target.relative_to(out)} ...", flush=True)
                start = time.monotonic()
                failures += execute(nb, str(target.relative_to(out)), args.timeout)
                print(f"  {target.relative_to(out)}: {time.monotonic() - start:.1f} s", flush=True)
            nbformat.write(nb, target)
    for f in failures:
        print("ERROR", f, file=sys.stderr)
    print(f"{len(sources) * 2} notebooks built, {len(failures)} cells with errors")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
