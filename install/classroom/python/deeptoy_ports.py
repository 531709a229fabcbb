"""Kernel ports for a class server: each student's kernels listen on ports of their own.

Jupyter picks a kernel's five ports by asking the system for free ones, writes them into the
connection file and starts the kernel, which binds them seconds later (a JVM start; much longer when
30 start at once). On a class server every other student's notebook server picks from the same
range (Linux's ephemeral ports, 32768-60999) at the same moment, and so does every outgoing
connection; in `bench/classroom.sh 30 4` one of the 150 ports was taken before its kernel could bind
it in two of five runs, and that student's kernel was lost.

This provisioner (jupyter_client's extension point for starting kernels) gives each student a block
of ports below that range, chosen by DEEPTOY_PORT_SLOT (the hub's user id, set by
jupyterhub_config.py): no other server picks from the block and no outgoing connection lands in it.
A kernel keeps its ports across restarts while they are free, so a browser stays connected.
"""
import os
import socket

from jupyter_client.provisioning import LocalProvisioner

FIRST, END = 20000, 32768  # below the ephemeral range (/proc/sys/net/ipv4/ip_local_port_range)
BLOCK = 50  # ten kernels of five ports per student
NAMES = ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")


def student_block(slot):
    """The ports of student `slot` (a whole number); blocks repeat after 255 students."""
    start = FIRST + (slot % ((END - FIRST) // BLOCK)) * BLOCK
    return range(start, start + BLOCK)


def can_bind(ip, port):
    """Whether the kernel could listen on the port now (it binds with SO_REUSEADDR, as here)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
            return True
        except OSError:
            return False


class StudentPortsProvisioner(LocalProvisioner):
    """LocalProvisioner that takes a kernel's ports from the student's block."""

    held = {}  # kernel id -> ports, for every kernel of this notebook server

    async def pre_launch(self, **kwargs):
        km = self.parent
        slot = os.environ.get("DEEPTOY_PORT_SLOT", "")
        if km is not None and km.transport == "tcp" and slot.isdigit():
            self._take_ports(km, student_block(int(slot)))
        return await super().pre_launch(**kwargs)

    def _take_ports(self, km, block):
        ports = [getattr(km, name) for name in NAMES]
        if all(p in block and can_bind(km.ip, p) for p in ports):
            return  # a restart: same ports, so connected clients reach the new kernel
        others = {p for kid, ps in self.held.items() if kid != self.kernel_id for p in ps}
        free = [p for p in block if p not in others and can_bind(km.ip, p)][:len(NAMES)]
        km.cleanup_connection_file()  # rewritten with the new ports by LocalProvisioner
        if len(free) < len(NAMES):
            self.log.warning("DeepToy ports: block %d-%d is full; Jupyter picks random ports", block[0], block[-1])
            free = [0] * len(NAMES)
        for name, port in zip(NAMES, free):
            setattr(km, name, port)
        self.held[self.kernel_id] = free
        self.ports_cached = bool(free[0])  # keeps LocalProvisioner from replacing them with its own picks

    async def cleanup(self, restart=False):
        if not restart:
            self.held.pop(self.kernel_id, None)
        await super().cleanup(restart=restart)
