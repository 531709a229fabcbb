"""Load test of a DeepToy class on JupyterHub, driven as real students would through the network.

Run by bench/classroom.sh (which starts the hub); also used by the kernel module's ClassroomHubTest.
Signs N students in through the hub's REST API, starts their servers, opens a DeepToy kernel in
each through the notebook server's REST + WebSocket API (python3-websocket), runs notebook 02 in
every kernel at the same moment, then lets K students train notebook 06's MLP (quick mode) while
the others run `1+1` every 2 s. Prints the figures and a last summary line.

  python3 classroom.py --hub URL --token T --students N --training K --notebooks DIR [--pids FILE]
"""
import argparse
import json
import os
import queue
import threading
import time
import urllib.request
import sys
import uuid

import websocket  # Debian: python3-websocket

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "install", "classroom", "python"))
import deeptoy_ports  # the hub's kernel port blocks: their layout, for the summary line

P = argparse.ArgumentParser()
P.add_argument("--hub", required=True)
P.add_argument("--token", required=True)
P.add_argument("--students", type=int, default=30)
P.add_argument("--training", type=int, default=4)
P.add_argument("--notebooks", required=True)
P.add_argument("--pids", help="file to append every server and kernel pid to (for cleanup)")
P.add_argument("--check", help="only run this code in each kernel and print its output (CI test)")
P.add_argument("--prefix", default="student")
P.add_argument("--homes", help="the students' home folders (check mode prints each kernel's ports)")
P.add_argument("--abuse", action="store_true", help="4 of the students fork-bomb, allocate 20 GB, spin 4 threads, print endlessly")
A = P.parse_args()

lock = threading.Lock()
failures = []


def fail(who, what):
    with lock:
        failures.append(f"{who}: {what}")
    print(f"FAIL {who}: {what}", flush=True)


def api(method, path, token=None, body=None, timeout=60):
    req = urllib.request.Request(A.hub + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "token " + (token or A.token),
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        text = r.read().decode()
        return json.loads(text) if text else None


def pctl(values, q):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))]


# ---- memory of the processes a student owns: the notebook server and its kernels ----
def children():
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def tree(pid, kids):
    out = [pid]
    for k in kids.get(pid, []):
        out += tree(k, kids)
    return out


def mem_mb(pid):
    """(RSS, PSS) in MB; PSS shares pages mapped by many processes (libjvm, the CDS archive) fairly."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss / 1024, pss / 1024


class Student:
    def __init__(self, i):
        self.name = f"{A.prefix}{i:02d}"
        self.token = None
        self.server_pid = None
        self.ws = None
        self.session = uuid.uuid4().hex
        self.ready_s = None
        self.first_reply_s = None

    # -- hub: sign in (create the user), start the server, wait until it is ready --
    def spawn(self):
        t0 = time.perf_counter()
        api("POST", f"/hub/api/users/{self.name}")
        api("POST", f"/hub/api/users/{self.name}/server", timeout=180)
        deadline = time.time() + 240
        while time.time() < deadline:
            model = api("GET", f"/hub/api/users/{self.name}")
            srv = model.get("servers", {}).get("", {})
            if srv.get("ready"):
                self.ready_s = time.perf_counter() - t0
                self.server_pid = (srv.get("state") or {}).get("pid")
                break
            time.sleep(0.5)
        else:
            raise RuntimeError("server not ready in 240 s")
        self.token = api("POST", f"/hub/api/users/{self.name}/tokens", body={"note": "classroom bench"})["token"]

    # -- the notebook server: start a DeepToy kernel, connect its WebSocket, first reply --
    def open_kernel(self):
        t0 = time.perf_counter()
        k = api("POST", f"/user/{self.name}/api/kernels", token=self.token, body={"name": "deeptoy"}, timeout=120)
        self.kernel_id = k["id"]
        url = A.hub.replace("http", "ws", 1) + f"/user/{self.name}/api/kernels/{k['id']}/channels"
        self.ws = websocket.create_connection(url, header=["Authorization: token " + self.token], timeout=300)
        self.ws.settimeout(None)
        self.inbox = queue.Queue()
        threading.Thread(target=self.receive, daemon=True).start()
        reply, out = self.execute("1+1", timeout=180)
        if reply != "ok" or "2" not in out:
            raise RuntimeError(f"1+1 gave {reply} {out!r}")
        self.first_reply_s = time.perf_counter() - t0

    def ports(self):
        """The kernel's five ports, from the connection file its notebook server wrote in the student's home."""
        for top, _dirs, files in os.walk(os.path.join(A.homes, self.name)):
            if f"kernel-{self.kernel_id}.json" in files:
                with open(os.path.join(top, f"kernel-{self.kernel_id}.json")) as f:
                    c = json.load(f)
                return sorted(c[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"))
        return []

    def receive(self):
        """Reads the WebSocket all the time: recv() answers the server's pings (else it closes us after 90 s)."""
        try:
            while True:
                self.inbox.put(json.loads(self.ws.recv()))
        except Exception as e:  # noqa: BLE001 - closed or broken: execute() reports it
            self.inbox.put(e)

    def execute(self, code, timeout=600):
        """Runs one cell; returns (status, text of its outputs and errors)."""
        mid = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": mid, "username": self.name, "session": self.session,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        status, idle, out = None, False, []
        deadline = time.time() + timeout
        while status is None or not idle:
            try:
                m = self.inbox.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                raise TimeoutError(f"no reply in {timeout} s") from None
            if isinstance(m, Exception):
                raise RuntimeError(f"WebSocket closed: {m}")
            t, c = m["msg_type"], m["content"]
            if t == "status" and c.get("execution_state") in ("dead", "restarting"):
                raise RuntimeError(f"the kernel is {c['execution_state']}")
            if m.get("parent_header", {}).get("msg_id") != mid:
                continue
            if t == "execute_reply":
                status = c["status"]
            elif t == "status" and c["execution_state"] == "idle":
                idle = True
            elif t == "stream":
                out.append(c["text"])
            elif t in ("execute_result", "display_data"):
                out.append(c["data"].get("text/plain", "") + " [" + ",".join(c["data"]) + "]")
            elif t == "error":
                out.append("ERROR " + c["ename"] + ": " + c["evalue"])
        return status, "".join(out)

    def pids(self):
        if not self.server_pid:
            return []
        return tree(self.server_pid, children())


def code_cells(path, until=None):
    nb = json.load(open(path))
    cells = []
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            src = "".join(c["source"])
            cells.append(src)
            if until and until in src:
                break
    return cells


def run_parallel(students, fn, what):
    """fn(student) in one thread per student; a failure is counted and the student dropped."""
    ok = []

    def one(s):
        try:
            fn(s)
            with lock:
                ok.append(s)
        except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the test
            fail(s.name, f"{what}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=one, args=(s,)) for s in students]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(ok, key=lambda s: s.name)


def memory(students):
    rss = pss = 0
    for s in students:
        for p in s.pids():
            r, q = mem_mb(p)
            rss += r
            pss += q
    return rss, pss


def main():
    n = A.students
    t_start = time.time()
    students = [Student(i + 1) for i in range(n)]
    print(f"{n} students sign in and start their servers at once", flush=True)
    live = run_parallel(students, Student.spawn, "spawn")
    if A.pids:
        with open(A.pids, "a") as f:
            f.writelines(f"{s.server_pid}\n" for s in live if s.server_pid)
    ready = [s.ready_s for s in live]
    print(f"server ready: p50 {pctl(ready, 50):.1f} s, p95 {pctl(ready, 95):.1f} s ({len(live)} of {n})", flush=True)

    live = run_parallel(live, Student.open_kernel, "kernel")
    if A.pids:
        with open(A.pids, "a") as f:
            f.writelines(f"{p}\n" for s in live for p in s.pids()[1:])
    first = [s.first_reply_s for s in live]
    print(f"first kernel reply (start kernel, connect, 1+1): p50 {pctl(first, 50):.1f} s, "
          f"p95 {pctl(first, 95):.1f} s ({len(live)} kernels)", flush=True)
    if A.homes and A.check is None:
        ports = [s.ports() for s in live]
        start, size = deeptoy_ports.FIRST, deeptoy_ports.BLOCK
        blocks = {(p[0] - start) // size for p in ports if p and p[0] >= start}
        every = [q for p in ports for q in p]
        print(f"kernel ports: {len(blocks)} blocks of their own for {len(live)} kernels, "
              f"{min(every, default=0)}-{max(every, default=0)} (install/classroom/python/deeptoy_ports.py)", flush=True)

    if A.check is not None:
        def check(s):
            status, out = s.execute(A.check, timeout=120)
            print(f"{s.name}: {status}: {out.strip()}", flush=True)
            if A.homes:
                print(f"{s.name}: kernel ports {s.ports()}", flush=True)
            if status != "ok":
                raise RuntimeError(out)
        run_parallel(live, check, "check")
        print(f"check: {len(live)} kernels, {len(failures)} failures", flush=True)
        for s in live:
            s.ws.close()
        return 1 if failures or len(live) < n else 0

    time.sleep(10)
    idle_rss, idle_pss = memory(live)
    per_rss, per_pss = idle_rss / max(1, len(live)), idle_pss / max(1, len(live))
    print(f"idle memory per student (server + kernel): RSS {per_rss:.0f} MB, PSS {per_pss:.0f} MB; "
          f"total RSS {idle_rss / 1024:.1f} GB, PSS {idle_pss / 1024:.1f} GB", flush=True)

    # Every student runs notebook 02 at the same moment.
    nb02 = code_cells(os.path.join(A.notebooks, "02-graph.ipynb"))
    times02 = {}

    def run02(s):
        t0 = time.perf_counter()
        for i, cell in enumerate(nb02):
            status, out = s.execute(cell, timeout=300)
            if status != "ok":
                raise RuntimeError(f"notebook 02 cell {i + 1}: {out[:200]}")
        times02[s.name] = time.perf_counter() - t0

    live = run_parallel(live, run02, "notebook 02")
    t02 = list(times02.values())
    print(f"notebook 02 ({len(nb02)} cells) in every kernel at once: p50 {pctl(t02, 50):.1f} s, "
          f"p95 {pctl(t02, 95):.1f} s", flush=True)

    # K students train notebook 06's MLP in quick mode; the others run 1+1 every 2 s meanwhile
    # (with --abuse, while the last 4 misbehave).
    abusers = live[-len(ABUSES):] if A.abuse else []
    live_ok = live[:len(live) - len(abusers)]
    k = min(A.training, len(live_ok))
    trainers, others = live_ok[:k], live_ok[k:]
    nb06 = code_cells(os.path.join(A.notebooks, "06-mnist-mlp.ipynb"), until="test accuracy")
    done = threading.Event()
    lat, train_s, peak = [], {}, [0.0, 0.0]

    def train(s):
        t0 = time.perf_counter()
        for i, cell in enumerate(nb06):
            status, out = s.execute(cell, timeout=1800)
            if status != "ok":
                raise RuntimeError(f"notebook 06 cell {i + 1}: {out[:300]}")
            if "test accuracy" in out:
                print(f"{s.name}: {out.strip().splitlines()[-1]} after {time.perf_counter() - t0:.0f} s", flush=True)
        train_s[s.name] = time.perf_counter() - t0

    def poke(s):
        while not done.is_set():
            t0 = time.perf_counter()
            status, out = s.execute("1+1", timeout=60)
            ms = (time.perf_counter() - t0) * 1000
            if status != "ok" or "2" not in out:
                raise RuntimeError(f"1+1 gave {status} {out!r}")
            with lock:
                lat.append(ms)
            done.wait(max(0.0, 2 - ms / 1000))

    def sample():
        while not done.is_set():
            r, q = memory(live)
            peak[0], peak[1] = max(peak[0], r), max(peak[1], q)
            done.wait(1)

    contained = {}
    bg = [threading.Thread(target=run_parallel, args=(others, poke, "1+1")),
          threading.Thread(target=sample)]
    bg += [threading.Thread(target=abuse, args=(s, kind, contained)) for s, kind in zip(abusers, ABUSES)]
    failures_before_abuse = len(failures)
    for t in bg:
        t.start()
    trained = run_parallel(trainers, train, "training")
    done.set()
    for t in bg:
        t.join()
    print(f"training ({k} students, notebook 06 quick mode, {len(nb06)} cells): "
          f"{len(trained)} of {k} finished, p50 {pctl(list(train_s.values()), 50):.0f} s, "
          f"max {max(train_s.values(), default=float('nan')):.0f} s", flush=True)
    p50, p95 = pctl(lat, 50), pctl(lat, 95)
    print(f"1+1 while {k} train: p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {max(lat, default=float('nan')):.0f} ms "
          f"({len(lat)} round trips by {len(others)} students)", flush=True)
    print(f"peak memory, all students (server + kernel): RSS {peak[0] / 1024:.1f} GB, PSS {peak[1] / 1024:.1f} GB; "
          f"per student RSS {peak[0] / max(1, len(live)):.0f} MB", flush=True)
    for s in live:
        try:
            s.ws.close()
        except Exception:  # noqa: BLE001
            pass
    print(f"failures: {len(failures)}" + "".join(f"\n  {f}" for f in failures), flush=True)
    print(f"wall time {time.time() - t_start:.0f} s", flush=True)
    print(f"classroom: {n} students, {len(failures)} failures, idle {per_rss:.0f} MB per student, "
          f"1+1 p95 {p95:.0f} ms while {k} train", flush=True)
    if A.abuse:
        for s, kind in zip(abusers, ABUSES):
            print(f"abuser {s.name} ({kind}): {contained.get(s.name, 'not finished')}", flush=True)
        ok = sum(1 for v in contained.values() if v.startswith("contained"))
        print(f"classroom abuse: {n} students, {len(failures) - failures_before_abuse} failures among the others, "
              f"1+1 p95 {p95:.0f} ms, abusers contained {ok} of {len(ABUSES)}", flush=True)
        return 1 if failures or ok < len(ABUSES) else 0
    return 1 if failures else 0


# --abuse: what each abuser runs, and what its cell must say when a limit stops it (None: the cell may
# finish; the group's CPU limit must throttle it instead).
ABUSES = ["fork bomb", "20 GB", "4 spinning threads", "endless printing"]
ABUSE_CELLS = {
    "fork bomb": ('for (int i = 0; i < 100_000; i++) new ProcessBuilder("sleep", "300").start();',
                  ("error=11", "Resource temporarily unavailable", "unable to create native thread")),
    "20 GB": ('var f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe"); f.setAccessible(true);\n'
              'Object u = f.get(null); long size = 20L << 30; long at;\n'
              'try { at = (long) u.getClass().getMethod("allocateMemory", long.class).invoke(u, size); }\n'
              'catch (java.lang.reflect.InvocationTargetException e) { throw (Error) e.getCause(); }\n'
              'u.getClass().getMethod("setMemory", long.class, long.class, byte.class).invoke(u, at, size, (byte) 1);',
              ("OutOfMemoryError",)),
    "4 spinning threads": ("for (int i = 0; i < 4; i++) { Thread t = new Thread(() -> { long x = 0; while (true) x++; });"
                           " t.setDaemon(true); t.start(); }", None),
    "endless printing": ('while (true) System.out.println("spam spam spam spam spam spam spam spam");', None),
}


def abuse(s, kind, contained):
    """One abuser: its cell, what stopped it, then a clean restart of its kernel (its server for the fork bomb,
    whose processes outlive the kernel) and 1+1."""
    code, says = ABUSE_CELLS[kind]
    how = ""
    try:
        if kind == "endless printing":
            threading.Timer(20, lambda: api("POST", f"/user/{s.name}/api/kernels/{s.kernel_id}/interrupt", token=s.token)).start()
        status, out = s.execute(code, timeout=90)
        if kind == "4 spinning threads":
            cores, throttled = cpu_use(s.name, 20)
            if cores is not None and cores <= 1.1:
                how = f"it used {cores:.2f} cores in 20 s (limit 1; throttled {throttled} times)"
        elif kind == "endless printing":
            how = "interrupted after 20 s" if status != "ok" else ""
        elif says and any(w in out for w in says):
            how = "the cell says: " + next(line for line in out.splitlines() if any(w in line for w in says))[:160]
    except Exception as e:  # noqa: BLE001 - a kernel killed by the OS is a containment too, if it comes back
        how = f"its kernel went down ({e})"
    try:
        if kind == "fork bomb":  # its sleeps outlive the kernel; stopping the server empties its group
            api("DELETE", f"/hub/api/users/{s.name}/server", timeout=120)
            deadline = time.time() + 120
            while api("GET", f"/hub/api/users/{s.name}").get("servers") and time.time() < deadline:
                time.sleep(1)
            api("POST", f"/hub/api/users/{s.name}/server", timeout=180)
            while not api("GET", f"/hub/api/users/{s.name}").get("servers", {}).get("", {}).get("ready"):
                if time.time() > deadline + 240:
                    raise RuntimeError("server not ready again in 240 s")
                time.sleep(1)
            s.open_kernel()
        else:
            api("POST", f"/user/{s.name}/api/kernels/{s.kernel_id}/restart", token=s.token, timeout=120)
            status, out = s.execute("1+1", timeout=120)
            if status != "ok" or "2" not in out:
                raise RuntimeError(f"1+1 gave {status} {out[:100]!r}")
        restarted = "then 1+1 worked after a restart" + (" of its server" if kind == "fork bomb" else " of its kernel")
    except Exception as e:  # noqa: BLE001
        restarted = f"no clean restart: {type(e).__name__}: {e}"
    ok = bool(how) and restarted.startswith("then")
    with lock:
        contained[s.name] = ("contained: " if ok else "NOT contained: ") + (how or "no limit stopped it") + "; " + restarted


def cpu_use(name, seconds):
    """(cores the student's group used over `seconds`, times its CPU limit throttled it), from the CPU time of
    the processes in its group (deeptoy_limits' cgroup, v2 or v1); (None, 0) without a group."""
    for d in (f"/sys/fs/cgroup/deeptoy-students/{name}", f"/sys/fs/cgroup/cpu/deeptoy-students/{name}"):
        if os.path.isfile(f"{d}/cgroup.procs"):
            break
    else:
        return None, 0

    def ticks():
        total = 0
        for pid in open(f"{d}/cgroup.procs").read().split():
            try:
                fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime, all threads
            except (OSError, IndexError):
                pass
        return total

    def throttled():
        try:
            return next(int(l.split()[1]) for l in open(f"{d}/cpu.stat") if l.startswith("nr_throttled"))
        except (OSError, StopIteration):
            return 0

    t0, th0 = ticks(), throttled()
    time.sleep(seconds)
    return (ticks() - t0) / os.sysconf("SC_CLK_TCK") / seconds, throttled() - th0


if __name__ == "__main__":
    raise SystemExit(main())
