# nbgrader configuration for the DeepToy course: Java notebooks on the "deeptoy" kernel.
# Put this file in your nbgrader course directory (next to source/); see README.md, "Teaching a
# class: release, collect, grade". The course's teacher notebooks (notebooks/solutions/) are
# nbgrader source notebooks: "// BEGIN SOLUTION" ... "// END SOLUTION" mark the answers, each check
# cell is a locked grade cell.
import os

c = get_config()  # noqa: F821 (nbgrader provides it)

# What replaces an answer in the student's version. nbgrader's own Java stub is only a comment, so an
# unanswered exercise would compile and might pass; this one throws, so its check fails.
c.ClearSolutions.code_stub = {
    "java": '// YOUR CODE HERE\nthrow new UnsupportedOperationException("your code here");',
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}

# Every notebook runs on the DeepToy kernel, whatever kernel the student's copy was saved with.
c.Execute.kernel_name = "deeptoy"
# Seconds a cell may run before it is interrupted (an endless loop costs that cell, not the notebook).
c.Execute.timeout = int(os.environ.get("DEEPTOY_CELL_TIMEOUT", "60"))
c.Execute.interrupt_on_timeout = True
# Seconds a kernel may take to start (a JVM on a busy machine can take far longer than usual).
c.Execute.startup_timeout = 180
# After an interrupted endless loop a busy kernel may take a while to send its last outputs; nbgrader's
# default (raise after 4 s) would throw away the whole notebook's grades, the right answers included.
c.Execute.iopub_timeout = 30
c.Execute.raise_on_iopub_timeout = False

# Grading mode: a failed check throws its ✗ line (nbgrader gives 0 for an error, and would give full
# points for a printed ✗) and cells write nothing to stderr. Quick mode: lessons train on small
# subsets, since grading checks the exercises, not the accuracy reached.
os.environ.setdefault("DEEPTOY_GRADE", "1")
os.environ.setdefault("DEEPTOY_QUICK", "1")
