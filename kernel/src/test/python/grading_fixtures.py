"""Student submissions for the grading tests, built from a released course notebook (01-tour).

Each fixture is what a student might hand in: answers taken from the teacher's version (cells between
"// BEGIN SOLUTION" and "// END SOLUTION"), wrong ones, none, or a notebook that misbehaves. The
expected points per exercise (firstTensor, rowMeans) are in EXPECTED.
"""
import copy
import json
import pathlib

NOTEBOOK = "01-tour"

POINTS = {"firstTensor": 1, "rowMeans": 2}  # what each exercise is worth (notebooks/src/01-tour.java)
MAX_POINTS = float(sum(POINTS.values()))

# student -> whether (firstTensor, rowMeans) are right: 1 or 0
EXPECTED = {
    "correct": (1, 1),
    "partial": (1, 0),       # rowMeans sums instead of averaging
    "empty": (0, 0),         # the release as it is
    "loop": (1, 0),          # rowMeans never returns: the cell is interrupted at the time limit
    "exit": (1, 0),          # rowMeans calls System.exit
    "oom": (1, 0),           # rowMeans fills the heap: OutOfMemoryError
    "stackoverflow": (1, 0),  # rowMeans calls itself without end
    "cheat": (0, 0),         # no answers, both check cells edited to print ✓ (nbgrader restores them)
    "corrupt": (0, 0),       # not valid JSON
    "otherkernel": (1, 1),   # right answers, saved with a Python kernel
    "nokernelspec": (1, 1),  # right answers, no kernelspec in the metadata
    "noisy": (1, 1),         # right answers; rowMeans logs to System.err (in grading mode that is stdout)
}

def points(student):
    """The points a fixture student should get (a-vandal hands in right answers)."""
    right = EXPECTED.get(student, (1, 1))
    return float(right[0] * POINTS["firstTensor"] + right[1] * POINTS["rowMeans"])


WRONG_ROW_MEANS = """TensorFunction rowMeans = x -> {
    double[] sums = new double[x.dim(0)];
    for (int i = 0; i < x.dim(0); i++) for (int j = 0; j < x.dim(1); j++) sums[i] += x.get(i, j);
    return Tensor.vector(sums);
};"""

ROW_MEANS_BODIES = {
    "loop": "TensorFunction rowMeans = x -> {\n    while (true) { }\n};",
    "exit": "TensorFunction rowMeans = x -> {\n    System.exit(1);\n    return null;\n};",
    "oom": ("TensorFunction rowMeans = x -> {\n    java.util.List<long[]> all = new java.util.ArrayList<>();\n"
            "    while (true) all.add(new long[10_000_000]);\n};"),
    "stackoverflow": "Tensor deeper(Tensor x) { return deeper(x); }\nTensorFunction rowMeans = x -> deeper(x);",
    "partial": WRONG_ROW_MEANS,
}
NOISY = 'System.err.println("computing row means");\n    '


def noisy(answer):
    """The right rowMeans answer with a line logged to stderr first."""
    return answer.replace("// BEGIN SOLUTION", "").replace("double[] means", NOISY + "double[] means", 1)


def solutions(teacher_nb):
    """{grade_id: answer source} from the teacher's notebook (marker lines dropped)."""
    out = {}
    for cell in teacher_nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            out[meta["grade_id"]] = "\n".join(l for l in src.split("\n") if "BEGIN SOLUTION" not in l and "END SOLUTION" not in l)
    return out


def answer(nb, grade_id, source):
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = source
            return
    raise KeyError(grade_id)


def build(release_nb_path, teacher_nb_path, folder, layout, students=tuple(EXPECTED)):
    """Writes the fixtures of `students`; layout(student) gives the path of its notebook below `folder`."""
    release = json.loads(pathlib.Path(release_nb_path).read_text(encoding="utf-8"))
    sol = solutions(json.loads(pathlib.Path(teacher_nb_path).read_text(encoding="utf-8")))
    for student in students:
        nb = copy.deepcopy(release)
        if student not in ("empty", "cheat", "corrupt"):
            answer(nb, "firstTensor-answer", sol["firstTensor-answer"])
            right = noisy(sol["rowMeans-answer"]) if student == "noisy" else sol["rowMeans-answer"]
            answer(nb, "rowMeans-answer", ROW_MEANS_BODIES.get(student, right))
        if student == "cheat":
            for cell in nb["cells"]:
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade"):
                    cell["source"] = 'System.out.println("✓ all right");'
        if student == "otherkernel":
            nb["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nb["metadata"]["language_info"] = {"name": "python"}
        if student == "nokernelspec":
            nb["metadata"].pop("kernelspec", None)
        text = json.dumps(nb, indent=1, ensure_ascii=False)
        if student == "corrupt":
            text = text[: len(text) // 2]
        path = pathlib.Path(folder) / layout(student)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
