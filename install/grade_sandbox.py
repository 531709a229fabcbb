"""Grading inside a bubblewrap sandbox (used by install/grade.py; Debian package `bubblewrap`).

Each notebook's nbgrader autograde and its kernel run in a sandbox of their own:
- a read-only system (/usr, /etc) and, read-only, what grading needs beside it: nbgrader's folder,
  the grading kernel, the JDK, the data sets, install/grade_inside.py;
- a fresh, empty home and /tmp, and the notebook's work folder (the course nbgrader grades in, with
  only this one submission), each a tmpfs capped in size; nothing else is writable;
- its own network namespace (a loopback of its own: the kernel and nbgrader talk over it; nothing
  outside is reachable), its own process, IPC and UTS namespaces, a new session (no TIOCSTI);
- the teacher's home, the release's solutions, other submissions and grade.sh's output are not
  there at all;
- limits on every process (setrlimit, inherited): address space (native memory), processes,
  CPU seconds, file size; and, where grade.sh may write cgroups (root), a memory and pids cgroup
  around the whole sandbox.
Run as root, each sandbox runs as a user id of its own that no account has (root's files stay root's:
a root-owned secret that happened to be bound could not be read; and the process limit, which the kernel
counts per user id, is each notebook's own: a fork bomb holding all it may does not stop the notebooks
graded beside it). The scores come back over a pipe from grade_inside.py, after it has
killed every other process in the sandbox, behind a token the graded code never sees.
"""
import base64
import copy
import json
import os
import pathlib
import pwd
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "classroom" / "python"))
import resource_group  # noqa: E402  (shared with the class hub's spawner)

INSIDE = pathlib.Path(__file__).resolve().parent / "grade_inside.py"
SYSTEM = ["/usr", "/etc"]  # /bin, /lib... are symlinks into /usr on Debian (merged /usr); copied as such
HIDDEN_IN_ETC = ["/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/ssh", "/etc/ssl/private",
                 "/etc/sudoers", "/etc/sudoers.d"]
HOME = "/home/student"
WORK = "/grade/work"      # the notebook's work folder (a copy of IN), the only writable place besides /tmp and HOME
IN = "/grade/in"          # the course with this one submission, read-only
KERNELS = "/grade/jupyter"  # JUPYTER_PATH: kernels/deeptoy
NO_BWRAP = """bubblewrap (bwrap) is not installed, and grade.sh runs the students' code only inside it.
  Install it:  apt-get install bubblewrap
Or grade without a sandbox: install/grade.sh --no-sandbox ... (every submission then runs as you, with
your files, your network and no limits: a notebook can read your SSH keys and the solutions, change
your ~/.bashrc, reach other machines and print what it found into the feedback its author gets back)."""


class Limits:
    """What one notebook's grading may use. memory: bytes of address space per process (the JVM
    reserves heap + ~1.5 GB of it idle, OpenBLAS its buffers); processes: tasks (threads count) of the sandbox's user;
    cpu_seconds: per process; disk: bytes of the work folder (a file may take a quarter of it, so one
    runaway file leaves nbgrader room to write its results)."""

    def __init__(self, memory, processes=256, cpu_seconds=600, disk=512 << 20, tmp=256 << 20):
        self.memory, self.processes, self.cpu_seconds, self.disk, self.tmp = memory, processes, cpu_seconds, disk, tmp

    def describe(self):
        return (f"address space {self.memory >> 20} MB per process, {self.processes} processes, "
                f"{self.cpu_seconds} CPU s per process, work folder {self.disk >> 20} MB, /tmp {self.tmp >> 20} MB")


def bytes_of(size):
    """'2g' -> 2147483648 (java -Xmx syntax)."""
    m = re.fullmatch(r"(\d+)([kmgKMG]?)", size)
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2).lower()]


class Sandbox:
    def __init__(self, nbgrader, kernel_files, data_dir, limits):
        self.bwrap = shutil.which("bwrap")
        if not self.bwrap:
            raise SandboxError(NO_BWRAP)
        self.limits = limits
        self.as_stranger = os.geteuid() == 0
        self.root = pathlib.Path(tempfile.mkdtemp(prefix="deeptoy-sandbox-"))
        os.chmod(self.root, 0o755)
        kernel_dir = self.root / "jupyter" / "kernels" / "deeptoy"
        kernel_dir.mkdir(parents=True)
        for name, data in kernel_files.items():
            (kernel_dir / name).write_bytes(data)
            os.chmod(kernel_dir / name, 0o755 if name == "launch" else 0o644)
        for d in (self.root / "jupyter", self.root / "jupyter" / "kernels", kernel_dir):
            os.chmod(d, 0o755)
        self.readonly = {}  # outside path -> inside path
        self.readonly[str(self.root / "jupyter")] = KERNELS
        self.readonly[str(INSIDE)] = "/grade/inside.py"
        self.nbgrader = list(nbgrader)
        for tool in [nbgrader[0], java_of(kernel_files)]:
            folder = install_folder(tool)
            if folder:
                self.readonly[folder] = folder
        self.data_dir = data_dir
        if data_dir:
            self.readonly[str(pathlib.Path(data_dir).resolve())] = str(pathlib.Path(data_dir).resolve())
        self.groups = resource_group.Groups("deeptoy-grade") if resource_group.writable() else None
        self.unreadable = [p for p in self.readonly if self.as_stranger and not stranger_can_read(p)]
        if self.unreadable:
            self.as_stranger = False  # as root then (mapped; no capabilities): still sees only what is bound
        self.check()

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)
        if self.groups:
            self.groups.remove_all()

    def describe(self):
        who = "each as a user id of its own" if self.as_stranger else "as you"
        if self.unreadable:
            who += f" (not as another user: others cannot read {self.unreadable[0]})"
        group = f"; {self.groups.describe()}" if self.groups else "; no cgroup (not writable: rlimits only)"
        return f"bubblewrap sandbox per notebook, {who}, no network; {self.limits.describe()}{group}"

    def check(self):
        """Starts an empty sandbox once, so a machine that forbids it fails here with what to do."""
        r = subprocess.run(self.command(None, ["/usr/bin/true"]), capture_output=True, text=True,
                           preexec_fn=self.preexec(None, self.limits, stranger()), timeout=60)
        if r.returncode != 0:
            raise SandboxError(
                "bubblewrap cannot make a sandbox here: " + (r.stderr.strip() or f"exit {r.returncode}") +
                "\n  It needs unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1 (Debian 10),"
                "\n  user.max_user_namespaces > 0, and on Ubuntu 23.10+ kernel.apparmor_restrict_unprivileged_userns=0"
                "\n  (or an AppArmor profile for /usr/bin/bwrap with 'userns'). Inside Docker: --security-opt"
                " seccomp=unconfined.\n  Or grade without it: --no-sandbox (see README, 'Grading in a sandbox').")

    def command(self, in_dir, argv):
        lim = self.limits
        cmd = [self.bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
               "--clearenv", "--cap-drop", "ALL"]
        for path in SYSTEM:
            cmd += ["--ro-bind", path, path]
        for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            if os.path.islink(link):
                cmd += ["--symlink", os.readlink(link), link]
        for hidden in HIDDEN_IN_ETC:
            if os.path.isdir(hidden):
                cmd += ["--tmpfs", hidden]
            elif os.path.exists(hidden):
                cmd += ["--ro-bind", "/dev/null", hidden]
        cmd += ["--proc", "/proc", "--dev", "/dev"]
        cmd += ["--size", str(lim.tmp), "--tmpfs", "/tmp"]
        cmd += ["--size", str(64 << 20), "--tmpfs", "/home", "--dir", HOME]
        cmd += ["--size", str(lim.disk), "--tmpfs", WORK]
        for outside, inside in self.readonly.items():
            cmd += ["--ro-bind", outside, inside]
        if in_dir is not None:
            cmd += ["--ro-bind", str(in_dir), IN]
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": HOME, "USER": "student", "LANG": "C.UTF-8",
               "JUPYTER_PATH": KERNELS, "JUPYTER_RUNTIME_DIR": WORK + "/runtime", "JUPYTER_CONFIG_DIR": HOME + "/.jupyter",
               "JUPYTER_DATA_DIR": HOME + "/.local/share/jupyter", "IPYTHONDIR": HOME + "/.ipython",
               "DEEPTOY_GRADE": "1", "DEEPTOY_QUICK": os.environ.get("DEEPTOY_QUICK", "1"),
               "MALLOC_ARENA_MAX": "2"}  # glibc reserves 64 MB of address space per thread arena otherwise
        if self.data_dir:
            env["DEEPTOY_DATA"] = str(pathlib.Path(self.data_dir).resolve())
        for k, v in env.items():
            cmd += ["--setenv", k, v]
        cmd += ["--chdir", "/grade", "--"] + argv
        return cmd

    def preexec(self, group, lim, uid):
        """Runs in the child before bwrap: the limits (inherited by every process in the sandbox), the
        cgroup, and root's step down to the sandbox's own user id. The process limit counts every task
        of the user id: as the teacher, theirs too, so the sandbox may add lim.processes to what they run."""
        nproc = lim.processes if self.as_stranger else lim.processes + tasks_of(os.getuid())

        def apply():
            if group is not None:
                group.enter(os.getpid())
            resource.setrlimit(resource.RLIMIT_AS, (lim.memory, lim.memory))
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
            resource.setrlimit(resource.RLIMIT_CPU, (lim.cpu_seconds, lim.cpu_seconds + 5))
            resource.setrlimit(resource.RLIMIT_FSIZE, (lim.disk // 4, lim.disk // 4))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if self.as_stranger:
                become(uid)
        return apply

    def grade(self, in_dir, nbgrader_args, wall_seconds, keep):
        """Runs nbgrader (nbgrader_args) in the course copied from in_dir; returns (files, log, problem):
        files = {relative path: bytes} for each of `keep` that nbgrader wrote."""
        if self.as_stranger:
            for d, _, files in os.walk(in_dir):
                os.chmod(d, 0o755)
                for f in files:
                    os.chmod(os.path.join(d, f), 0o644)
            os.chmod(in_dir, 0o755)
            os.chmod(pathlib.Path(in_dir).parent, 0o711)  # others may pass through to it, not list it
        token = secrets.token_hex(16)
        request = json.dumps({"token": token, "argv": self.nbgrader + nbgrader_args, "keep": keep,
                              "disk_mb": self.limits.disk >> 20})
        limits = copy.copy(self.limits)
        limits.cpu_seconds = wall_seconds  # a process busy all the time the notebook may take, no longer
        group = self.groups.make(limits) if self.groups else None
        read_end, write_end = os.pipe()
        argv = ["/usr/bin/python3", "-I", "/grade/inside.py", str(write_end)]
        problem = ""
        try:
            errors = tempfile.TemporaryFile()  # bwrap's and grade_inside.py's own complaints
            p = subprocess.Popen(self.command(in_dir, argv), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=errors, pass_fds=(write_end,), preexec_fn=self.preexec(group, limits, stranger()),
                                 start_new_session=True)
            os.close(write_end)
            p.stdin.write(request.encode())
            p.stdin.close()
            out = read_all(read_end, p, wall_seconds)
            if out is None:
                problem = f"stopped after {wall_seconds} s (the whole notebook took too long)"
                out = b""
        finally:
            os.close(read_end)
            if group is not None:
                group.kill_and_remove()
        reply = reply_after(out, token)
        if reply is None:
            errors.seek(0, os.SEEK_END)
            errors.seek(max(0, errors.tell() - 4000))
            said = errors.read().decode("utf-8", "replace")
            return {}, said, problem or "the sandbox ended without a result: " + (said.strip().splitlines() or ["?"])[-1]
        files = {k: base64.b64decode(v) for k, v in reply["files"].items()}
        return files, reply["log"], problem or reply.get("problem", "")


STRANGERS = (0x7A000000, 1 << 24)  # user ids above any account's (first, how many)


def stranger():
    """A user id (and group id) of no account, drawn at random so each sandbox has its own."""
    while True:
        uid = STRANGERS[0] + secrets.randbelow(STRANGERS[1])
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def tasks_of(uid):
    """How many tasks (threads count) the user id runs now."""
    count = 0
    for status in pathlib.Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("Uid", "-1 0").split()[0]) == uid:
            count += int(fields.get("Threads", "1"))
    return count


def become(uid):
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def stranger_can_read(path):
    uid = stranger()
    test = "-d" if os.path.isdir(path) else "-r"
    return subprocess.run(["/usr/bin/test", test, path, "-a", "-r", path] + (["-a", "-x", path] if test == "-d" else []),
                          preexec_fn=lambda: become(uid)).returncode == 0


def read_all(fd, process, seconds):
    """Everything written to fd until the sandbox ends, or None when it ran longer than `seconds`
    (then it is killed: bwrap's first process is the sandbox's init, so the namespace goes with it)."""
    import selectors
    import time
    chunks, deadline = [], time.monotonic() + seconds
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    total = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return None
        if sel.select(timeout=min(left, 1.0)):
            data = os.read(fd, 1 << 20)
            if not data:
                break
            total += len(data)
            if total < 256 << 20:  # a result is a few MB; more is noise (the token decides anyway)
                chunks.append(data)
        elif process.poll() is not None and not sel.select(timeout=0):
            break
    process.wait()
    return b"".join(chunks)


def reply_after(out, token):
    """The JSON that follows the last `token` line; anything else on the pipe is ignored."""
    marker = f"\n{token}\n".encode()
    at = out.rfind(marker)
    if at < 0:
        return None
    try:
        return json.loads(out[at + len(marker):].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def install_folder(tool):
    """The folder to show read-only for a program outside /usr: a venv's or JDK's root for .../bin/x, else its
    folder. None for programs under /usr or /bin."""
    if not tool:
        return None
    path = pathlib.Path(shutil.which(tool) or tool).resolve()
    if str(path).startswith(("/usr/", "/bin/", "/sbin/", "/lib")):
        return None
    folder = path.parent
    if folder.name == "bin":
        folder = folder.parent
    return str(folder)


def java_of(kernel_files):
    """The java the grading kernel runs: the launcher's java="..." line, else kernel.json's first word."""
    launch = kernel_files.get("launch", b"").decode(errors="replace")
    m = re.search(r'^java="([^"]+)"', launch, re.M)
    if m:
        return m.group(1)
    argv = json.loads(kernel_files["kernel.json"])["argv"]
    return argv[0] if "{resource_dir}" not in argv[0] else None


class SandboxError(Exception):
    pass
