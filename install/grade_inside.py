"""Runs inside grade.sh's sandbox (install/grade_sandbox.py): nbgrader autograde on a copy of the course.

stdin: {"token", "argv", "keep"}; the reply goes to the file descriptor named by argv[1], after the
token, once nbgrader has ended and every other process in the sandbox has been killed. This process
is not dumpable, so the graded code (same user) cannot open its descriptors or memory through /proc.
"""
import base64
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys

PR_SET_DUMPABLE = 4
WORK, IN, LOG_KEPT = "/grade/work", "/grade/in", 200_000


def main():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    reply_fd = int(sys.argv[1])
    os.set_inheritable(reply_fd, False)
    request = json.loads(sys.stdin.read())
    problem = ""
    shutil.copytree(IN, WORK, dirs_exist_ok=True)
    os.makedirs(os.path.join(WORK, "runtime"), exist_ok=True)
    log_path = os.path.join(WORK, "autograde.log")
    try:
        with open(log_path, "wb") as log:
            subprocess.run(request["argv"], cwd=os.path.join(WORK, "course"), stdin=subprocess.DEVNULL,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as e:
        problem = f"nbgrader could not run in the sandbox: {e}"
    # What the notebook started (daemons, forks) goes now, before anything is read back.
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
    disk = os.statvfs(WORK)
    if disk.f_bavail * disk.f_frsize < (1 << 20):
        problem = f"the notebook filled its work folder ({request['disk_mb']} MB; grade.sh --disk sets it)"
    files = {}
    for rel in request["keep"]:
        path = os.path.join(WORK, "course", rel)
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, "rb") as f:
                files[rel] = base64.b64encode(f.read()).decode()
    try:
        with open(log_path, "rb") as f:
            data = f.read()
        log = data[-LOG_KEPT:].decode("utf-8", "replace")
    except OSError:
        log = ""
    with os.fdopen(reply_fd, "wb") as out:
        out.write(f"\n{request['token']}\n".encode())
        out.write(json.dumps({"files": files, "log": log, "problem": problem}).encode())


if __name__ == "__main__":
    main()
