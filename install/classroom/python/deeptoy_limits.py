"""One resource group per student on the class hub: memory, processes and a CPU share for the student's
notebook server and every kernel it starts (install/classroom/jupyterhub_config.py).

LocalProcessSpawner enforces none of JupyterHub's limits (its mem_limit is advisory). Here the
spawner puts each server into a group before the server runs:
- where systemd runs the machine (/run/systemd/system), a transient scope deeptoy-student-NAME.scope,
  made through systemd's D-Bus API (busctl) with MemoryMax, MemorySwapMax=0, TasksMax and CPUWeight,
  CPUQuota - the properties SystemdSpawner sets, on LocalProcessSpawner's process;
- otherwise a cgroup of its own (resource_group: v2 or v1 memory, pids and cpu trees), which the
  server's process enters before it execs.
The kernels are the server's children and stay in its group; when the memory limit is reached the
kernel's OS memory goes first (the OOM killer picks the largest process), the notebook server restarts it.
Each process's address space is capped too (memory + 6 GB): a cell asking for 20 GB of native memory
gets an OutOfMemoryError that says so, before the group's limit is reached.
"""
import os
import re
import resource
import shutil
import subprocess

import resource_group

UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def bytes_of(size):
    m = re.fullmatch(r"(\d+)([KMGT]?)B?", str(size).strip().upper())
    if not m:
        raise ValueError(f"not a size: {size!r} (e.g. 1G, 512M)")
    return int(m.group(1)) * UNITS[m.group(2)]


class StudentLimits:
    def __init__(self, memory, processes, cpu):
        self.memory, self.processes, self.cpu = memory, processes, cpu

    @classmethod
    def from_settings(cls, s):
        """deeptoy-hub.json: memory_per_student (1G), processes_per_student (512), cpu_per_student (1.0 cores)."""
        return cls(bytes_of(s.get("memory_per_student", "1G")), int(s.get("processes_per_student", 512)),
                   float(s.get("cpu_per_student", 1.0)))

    def describe(self):
        return f"{self.memory >> 20} MB, {self.processes} processes, {self.cpu:g} CPU"


def systemd_runs_the_machine():
    return os.path.isdir("/run/systemd/system") and shutil.which("busctl") is not None


def scope_name(student):
    return "deeptoy-student-%s.scope" % re.sub(r"[^A-Za-z0-9_.-]", "_", student)


def start_scope(student, pid, limits):
    """Moves pid (and what it will start) into a new transient systemd scope with the limits."""
    props = [("PIDs", "au", "1", str(pid)),
             ("MemoryMax", "t", str(limits.memory)),
             ("MemorySwapMax", "t", "0"),
             ("TasksMax", "t", str(limits.processes)),
             ("CPUWeight", "t", "100"),
             ("CPUQuotaPerSecUSec", "t", str(int(limits.cpu * 1_000_000)))]
    args = ["busctl", "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
            "org.freedesktop.systemd1.Manager", "StartTransientUnit", "ssa(sv)a(sa(sv))",
            scope_name(student), "fail", str(len(props))]
    for p in props:
        args += list(p)
    args.append("0")
    subprocess.run(args, check=True, capture_output=True, timeout=30)


def contained(spawner_class, limits):
    """spawner_class whose servers run in a resource group per student."""
    use_systemd = systemd_runs_the_machine()
    groups = None if use_systemd or not resource_group.writable() else resource_group.Groups("deeptoy-students")

    class Contained(spawner_class):
        def make_preexec_fn(self, name):
            inner = super().make_preexec_fn(name)
            group = None
            if groups is not None:
                old = groups.child(self.user.name)
                old.kill_and_remove()  # what was left of the student's last server
                group = groups.make(memory=limits.memory, processes=limits.processes, cpu=limits.cpu,
                                    label=self.user.name)

            def preexec():
                if group is not None:
                    group.enter(os.getpid())  # before the server runs: nothing of it escapes the group
                # native memory asked for far beyond the group's limit fails in the cell that asks
                # (OutOfMemoryError) instead of the OOM killer taking the kernel; a JVM reserves ~2 GB of
                # address space idle, OpenBLAS its buffers, glibc 64 MB per thread arena (MALLOC_ARENA_MAX keeps those few)
                space = limits.memory + (6 << 30)
                resource.setrlimit(resource.RLIMIT_AS, (space, space))
                inner()
            return preexec

        async def start(self):
            ip_port = await super().start()
            if use_systemd:
                start_scope(self.user.name, self.pid, limits)
            return ip_port

        async def stop(self, now=False):
            await super().stop(now=now)
            if groups is not None:
                groups.child(self.user.name).kill_and_remove()  # kernels detached from the server go too

    Contained.__name__ = "Contained" + spawner_class.__name__
    if use_systemd:
        how = "a systemd scope per student"
    elif groups is not None:
        how = f"a cgroup v{groups.version} group per student under {groups.parents[0]}"
    else:
        how = "NO resource group (cgroups are not writable: run the hub as root)"
    Contained.containment = f"{how}: {limits.describe()}"
    return Contained
