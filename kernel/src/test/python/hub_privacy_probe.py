"""Run by ClassroomHubTest while a hub serves two real accounts (bench/classroom.sh --accounts PREFIX
--then ...): as each student, tries the other's home, kernel connection file and kernel.

    hub_privacy_probe.py LOGIN_A LOGIN_B

Prints one line per finding, e.g. "LOGIN_A -> LOGIN_B home: denied". For the kernel: a
kernel_info_request signed with a wrong key, sent by A to B's shell port, must get no reply, while the
same request signed with B's key (read as root, the control) gets one.
"""
import glob
import json
import os
import pwd
import stat
import subprocess
import sys

import zmq
from jupyter_client.session import Session

ME = globals().get("__file__")  # None in the child (run from -c)


def connection_file(login):
    home = pwd.getpwnam(login).pw_dir
    found = sorted(glob.glob(os.path.join(home, ".local/share/jupyter/runtime/kernel-*.json")), key=os.path.getmtime)
    return found[-1] if found else None


def ask(info, key, seconds=5):
    """kernel_info_request to a kernel's shell port signed with key: the reply's status, or None."""
    ctx = zmq.Context.instance()
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    s.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
    session = Session(key=key, signature_scheme=info.get("signature_scheme", "hmac-sha256"))
    session.send(s, "kernel_info_request", {})
    if s.poll(seconds * 1000):
        _, msg = session.feed_identities(s.recv_multipart())
        return session.deserialize(msg)["content"].get("status")
    return None


def as_student(target_login, info):
    """In a child process running as the other student: what can be seen of target_login."""
    home = pwd.getpwnam(target_login).pw_dir
    out = {}
    try:
        os.listdir(home)
        out["home"] = "readable"
    except PermissionError:
        out["home"] = "denied"
    cf = info["file"]
    try:
        open(cf).read()
        out["connection file"] = "readable"
    except PermissionError:
        out["connection file"] = "denied"
    out["kernel, wrong key"] = "answered" if ask(info, b"not-the-key") else "no reply"
    out["kernel, no key"] = "answered" if ask(info, b"") else "no reply"
    return out


def main():
    if sys.argv[1] == "--child":
        print(json.dumps(as_student(sys.argv[2], json.loads(sys.argv[3]))))
        return
    a, b = sys.argv[1], sys.argv[2]
    for me, other in ((a, b), (b, a)):
        cf = connection_file(other)
        if cf is None:
            print(f"{me} -> {other}: no kernel connection file found")
            continue
        info = json.load(open(cf))
        info["file"] = cf
        home = pwd.getpwnam(other).pw_dir
        print(f"{other} home mode: {oct(stat.S_IMODE(os.stat(home).st_mode))}")
        print(f"{other} connection file mode: {oct(stat.S_IMODE(os.stat(cf).st_mode))}")
        print(f"{other} kernel, its own key: {ask(info, info['key'].encode())}")
        account = pwd.getpwnam(me)
        with open(ME, encoding="utf-8") as f:
            source = f.read()  # passed as -c: the student need not be able to read this checkout
        r = subprocess.run(["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}", "--init-groups",
                            "/usr/bin/python3", "-c", source, "--child", other, json.dumps(info)],
                           capture_output=True, text=True, timeout=60, cwd="/")
        if r.returncode != 0:
            print(f"{me} -> {other}: probe failed: {r.stderr[-500:]}")
            continue
        for what, result in json.loads(r.stdout).items():
            print(f"{me} -> {other} {what}: {result}")


if __name__ == "__main__":
    main()
