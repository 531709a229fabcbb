"""Resource groups (cgroups) for what students run: a memory limit, a process-count limit and a CPU
share (and cap) per group, killed and removed as a whole.

Used by install/grade_sandbox.py (one group per graded notebook) and by the class hub's spawner
(install/classroom/jupyterhub_config.py: one group per student's server and kernels) where there is
no systemd to ask for a scope. Works on cgroup v2 (one tree: memory.max, pids.max, cpu.weight,
cpu.max) and on cgroup v1 (a tree per controller: memory.limit_in_bytes, pids.max, cpu.shares,
cpu.cfs_quota_us). Needs root (the trees belong to root).
"""
import os
import pathlib
import signal
import time
import uuid

ROOT = pathlib.Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu")


def version():
    """2 on a unified cgroup tree, 1 when memory, pids and cpu are v1 hierarchies, else None."""
    if (ROOT / "cgroup.controllers").is_file():
        return 2
    if all((ROOT / c / "cgroup.procs").is_file() for c in V1_CONTROLLERS):
        return 1
    return None


def writable():
    v = version()
    if v is None or os.geteuid() != 0:
        return False
    probe = [ROOT] if v == 2 else [ROOT / c for c in V1_CONTROLLERS]
    return all(os.access(p, os.W_OK) for p in probe)


class Groups:
    """A parent group named `name` (one per controller on v1) holding one child group per user or job."""

    def __init__(self, name):
        self.version = version()
        self.name = name
        self.parents = [ROOT / name] if self.version == 2 else [ROOT / c / name for c in V1_CONTROLLERS]
        for p in self.parents:
            p.mkdir(exist_ok=True)
        if self.version == 2:
            enable(ROOT, ("memory", "pids", "cpu"))
            enable(ROOT / name, ("memory", "pids", "cpu"))

    def describe(self):
        return f"cgroup v{self.version} group per notebook under {self.parents[0]} (memory, pids)"

    def make(self, limits=None, memory=None, processes=None, cpu=None, label=None):
        """A new child group. limits (grade_sandbox.Limits) or memory bytes, processes, cpu cores."""
        if limits is not None:
            memory = limits.memory + limits.disk + limits.tmp + (64 << 20)  # tmpfs pages count as the group's memory
            processes = limits.processes
        return Group(self, label or uuid.uuid4().hex[:12], memory, processes, cpu)

    def child(self, label):
        return Group(self, label, None, None, None, create=False)

    def remove_all(self):
        for p in self.parents:
            try:
                p.rmdir()
            except OSError:
                pass  # another run's groups are still there


class Group:
    def __init__(self, groups, label, memory, processes, cpu, create=True):
        self.version = groups.version
        self.dirs = [p / label for p in groups.parents]
        if not create:
            return
        for d in self.dirs:
            d.mkdir(exist_ok=True)
        if self.version == 2:
            d = self.dirs[0]
            if memory:
                write(d / "memory.max", memory)
                write(d / "memory.swap.max", 0, optional=True)
            if processes:
                write(d / "pids.max", processes)
            if cpu:
                write(d / "cpu.weight", 100)
                write(d / "cpu.max", f"{int(cpu * 100000)} 100000")
        else:
            mem, pids, cpu_dir = self.dirs
            if memory:
                write(mem / "memory.limit_in_bytes", memory)
                write(mem / "memory.memsw.limit_in_bytes", memory, optional=True)  # no swap beyond it
            if processes:
                write(pids / "pids.max", processes)
            if cpu:
                write(cpu_dir / "cpu.shares", 1024)
                write(cpu_dir / "cpu.cfs_period_us", 100000)
                write(cpu_dir / "cpu.cfs_quota_us", int(cpu * 100000))

    def enter(self, pid):
        for d in self.dirs:
            write(d / "cgroup.procs", pid)

    def pids(self):
        out = set()
        for d in self.dirs:
            try:
                out |= {int(x) for x in (d / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return out

    def events(self):
        """{'oom_kill': n, 'pids_max': n} (how often a limit stopped something), where the kernel counts it."""
        out = {}
        if self.version == 2:
            for f, key in (("memory.events", "oom_kill"), ("pids.events", "max")):
                for line in read(self.dirs[0] / f).splitlines():
                    k, _, v = line.partition(" ")
                    if k == key:
                        out["oom_kill" if f.startswith("memory") else "pids_max"] = int(v)
        else:
            for line in read(self.dirs[0] / "memory.oom_control").splitlines():
                k, _, v = line.partition(" ")
                if k == "oom_kill":
                    out["oom_kill"] = int(v)
            for line in read(self.dirs[1] / "pids.events").splitlines():
                k, _, v = line.partition(" ")
                if k == "max":
                    out["pids_max"] = int(v)
        return out

    def kill_and_remove(self):
        if self.version == 2 and (self.dirs[0] / "cgroup.kill").exists():
            write(self.dirs[0] / "cgroup.kill", 1, optional=True)
        for _ in range(100):  # a fork bomb may fork while being killed: until the group is empty
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)
        for d in self.dirs:
            for _ in range(20):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.05)


def enable(parent, controllers):
    have = set(read(parent / "cgroup.subtree_control").split())
    for c in controllers:
        if c not in have:
            write(parent / "cgroup.subtree_control", "+" + c, optional=True)


def write(path, value, optional=False):
    try:
        path.write_text(str(value))
    except OSError:
        if not optional:
            raise


def read(path):
    try:
        return path.read_text()
    except OSError:
        return ""
