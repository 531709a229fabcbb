"""Executes notebooks on the deeptoy kernel as a student re-runs them: Run All, then Run All again in
the same kernel. The first pass is written back into each notebook (as build.py --execute writes it),
the second into --second-out under the same relative path; NotebooksTest compares the two.

    run_twice.py --cwd notebooks --second-out OUT/rerun --root OUT OUT/solutions/01-tour.ipynb --once OUT/01-tour.ipynb

Notebooks named with --once run once (a student version shares every cell but the answers with its
solutions, whose second run stands for both).

Exits 1 when a cell of a first pass produced an error (as build.py --execute does).
"""
import argparse
import copy
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient


def run_all(client, nb):
    for index, cell in enumerate(nb.cells):
        client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)


def errors(nb, name):
    return [f"{name} cell {i + 1}: {out.get('ename')}: {out.get('evalue')}"
            for i, cell in enumerate(nb.cells) for out in cell.get("outputs", [])
            if out.get("output_type") == "error"]


def started(nb, args, name, attempts=3):
    """A client for nb with its kernel up. A kernel that dies at its start is started again: jupyter_client
    picks free ports for it and, on a busy machine, another process may take one before the kernel binds it."""
    for attempt in range(1, attempts + 1):
        # No timing metadata: the stored notebooks should change only when their outputs do.
        client = NotebookClient(nb, kernel_name="deeptoy", timeout=args.timeout, allow_errors=True,
                                record_timing=False, resources={"metadata": {"path": args.cwd}})
        client.reset_execution_trackers()
        client.km = client.create_kernel_manager()
        try:
            client.start_new_kernel()
            client.start_new_kernel_client()  # shuts the kernel down if it does not answer
            return client
        except RuntimeError as e:
            if attempt == attempts:
                raise
            print(f"  {name}: the kernel did not start ({e}); starting another", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="*", type=pathlib.Path, help="run twice")
    ap.add_argument("--once", action="append", default=[], type=pathlib.Path, help="run this notebook once")
    ap.add_argument("--root", type=pathlib.Path, required=True, help="the notebooks' paths are named relative to it")
    ap.add_argument("--second-out", type=pathlib.Path, required=True, help="where the second passes go")
    ap.add_argument("--cwd", required=True, help="the kernel's working directory")
    ap.add_argument("--timeout", type=int, default=1200, help="seconds a cell may take")
    args = ap.parse_intermixed_args()
    failures = []
    totals = [0.0, 0.0]
    for path in args.notebooks + args.once:
        twice = path not in args.once
        name = str(path.relative_to(args.root))
        nb = nbformat.read(path, as_version=4)
        client = started(nb, args, name)
        with client.setup_kernel():
            info = client.wait_for_reply(client.kc.kernel_info())
            nb.metadata["language_info"] = info["content"]["language_info"]
            start = time.monotonic()
            run_all(client, nb)
            first = time.monotonic() - start
            nbformat.write(nb, path)
            second = 0.0
            if twice:
                second_nb = copy.deepcopy(nb)
                client.nb = second_nb
                start = time.monotonic()
                run_all(client, second_nb)
                second = time.monotonic() - start
        if twice:
            target = args.second_out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(second_nb, target)
        totals[0] += first
        totals[1] += second
        failures += errors(nb, name)
        print(f"  {name}: first run {first:.1f} s" + (f", second run in the same kernel {second:.1f} s" if twice else ""),
              flush=True)
    for f in failures:
        print("ERROR", f, file=sys.stderr)
    print(f"{len(args.notebooks) + len(args.once)} notebooks run, {len(args.notebooks)} twice: first runs {totals[0]:.0f} s, second runs {totals[1]:.0f} s;"
          f" {len(failures)} cells of first runs with errors")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
