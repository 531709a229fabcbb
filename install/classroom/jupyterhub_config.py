# JupyterHub configuration for a DeepToy class (Debian 12's JupyterHub 3.0, Debian 13's 5.2).
#
# A template: install/classroom.sh copies it next to a settings file, deeptoy-hub.json, that says
# what differs between servers (port, teacher, memory per student, folders); bench/classroom.sh and
# the CI test use the same file with test settings (DummyAuthenticator, SimpleLocalProcessSpawner).
# Run: jupyterhub -f /etc/deeptoy-hub/jupyterhub_config.py
import importlib.util
import json
import os
import pwd
import shutil
import sys

import jupyterhub

here = os.path.dirname(os.path.abspath(__file__))
with open(os.environ.get("DEEPTOY_HUB_SETTINGS", os.path.join(here, "deeptoy-hub.json"))) as f:
    s = json.load(f)
test_mode = s.get("test", False)
hub_major = int(jupyterhub.__version__.split(".")[0])
# The students' front end: JupyterLab where it is installed (Debian 13's package `jupyterlab`),
# else the classic notebook (Debian 12 has no JupyterLab package).
lab = importlib.util.find_spec("jupyterlab") is not None and hub_major >= 4
sys.path.insert(0, s.get("kernel_ports_dir", os.path.join(here, "python")))

c.JupyterHub.ip = s.get("ip", "")  # "" = every interface; tests use 127.0.0.1
c.JupyterHub.port = int(s.get("port", 8000))
c.JupyterHub.hub_ip = "127.0.0.1"
if s.get("hub_port"):
    c.JupyterHub.hub_port = int(s["hub_port"])
state = s["state_dir"]  # the hub's database and cookie secret
c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")
if s.get("proxy_api_port"):
    c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % int(s["proxy_api_port"])

# Who logs in: real Linux accounts (PAM); the teacher is an admin and can open every student's server.
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner  # noqa: E402

import deeptoy_limits  # noqa: E402  (install/classroom/python, next to deeptoy_ports)

# Each student's server and kernels run in a resource group of their own (deeptoy_limits): memory
# (memory_per_student), processes and a CPU share; a systemd scope per student where systemd runs the
# machine, a cgroup of its own otherwise.
limits = deeptoy_limits.StudentLimits.from_settings(s)
if test_mode:
    c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
    if s.get("password"):
        c.DummyAuthenticator.password = s["password"]
    if s.get("real_accounts"):  # the privacy test: servers run as real Linux accounts
        c.JupyterHub.spawner_class = deeptoy_limits.contained(LocalProcessSpawner, limits)
    else:
        c.JupyterHub.spawner_class = deeptoy_limits.contained(SimpleLocalProcessSpawner, limits)
        c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(s["homes"], "{username}")
else:
    c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
    c.JupyterHub.spawner_class = deeptoy_limits.contained(LocalProcessSpawner, limits)
print("DeepToy: each student's server and kernels run in " + c.JupyterHub.spawner_class.containment, file=sys.stderr)
if s.get("admin"):
    c.Authenticator.admin_users = {s["admin"]}
if s.get("users"):
    c.Authenticator.allowed_users = set(s["users"]) | ({s["admin"]} if s.get("admin") else set())
elif hub_major >= 5:
    # JupyterHub 5 lets no one in without an allow rule; 3.0 let every account in (PAM) or every
    # name (the tests' DummyAuthenticator): keep that when no list of students is given.
    c.Authenticator.allow_all = True
c.JupyterHub.admin_access = True

# A REST API token for scripts (the load test signs students in with it).
if s.get("api_token"):
    c.JupyterHub.services = [{"name": "deeptoy-admin", "api_token": s["api_token"]}]
    c.JupyterHub.load_roles = [{"name": "deeptoy-admin", "services": ["deeptoy-admin"],
                                "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens",
                                           "access:servers"]}]

# Each student's server: jupyterhub-singleuser. JupyterHub 4+ runs it on jupyter_server, and the UI is
# JupyterLab; on JupyterHub 3.0 (Debian 12) it is the classic notebook.
c.Spawner.cmd = ["jupyterhub-singleuser"]
c.Spawner.default_url = "/lab/tree/course" if lab else "/tree/course"
c.Spawner.start_timeout = int(s.get("start_timeout", 120))
c.Spawner.http_timeout = int(s.get("start_timeout", 120))
# Exported to the server and its kernels as MEM_LIMIT (bytes): the DeepToy kernel sizes its heap from
# it (install/launch.in). LocalProcessSpawner does not enforce it; the kernel keeps inside it.
c.Spawner.mem_limit = s.get("memory_per_student", "1G")
env = {
    "DEEPTOY_DATA": s["data_dir"],  # one shared, read-only copy of the datasets
    "MALLOC_ARENA_MAX": "2",  # within deeptoy_limits' address-space cap (glibc reserves 64 MB per arena)
}
if hub_major < 4:
    env["JUPYTERHUB_SINGLEUSER_APP"] = "notebook.notebookapp.NotebookApp"  # the classic notebook (Debian 12)
if s.get("jupyter_path"):
    env["JUPYTER_PATH"] = s["jupyter_path"]  # kernelspec outside /usr/local (tests only)
# Each student's kernels listen on a block of ports of their own (deeptoy_ports.py): otherwise 30
# servers pick kernel ports from the same range at the same moment and a kernel can find a port taken.
ports_dir = s.get("kernel_ports_dir", os.path.join(here, "python"))
if os.path.isfile(os.path.join(ports_dir, "deeptoy_ports.py")):
    env["PYTHONPATH"] = ports_dir
    env["JUPYTER_DEFAULT_PROVISIONER_NAME"] = "deeptoy-student-ports"
    env["DEEPTOY_PORT_SLOT"] = lambda spawner: str(spawner.user.id)
env.update(s.get("environment", {}))
c.Spawner.environment = env
# Idle kernels are shut down by the notebook server so their memory comes back; a student's
# variables are lost then, the notebook file is not.
cull = int(s.get("cull_idle_seconds", 3600))
c.Spawner.args = [
    "--MappingKernelManager.cull_idle_timeout=%d" % cull,
    "--MappingKernelManager.cull_interval=%d" % max(10, min(300, cull // 4)),
    "--MappingKernelManager.cull_connected=True",
    # Without deeptoy_ports: a kernel that exits at start because another process took one of its
    # ports gets new ports on restart only if they were not cached (jupyter_client 7 caches them and
    # restarts on the same ones) and only while it still counts as starting (10 s by default; 30 JVMs
    # starting at once take longer to reach the check).
    "--KernelManager.cache_ports=False",
    "--KernelRestarter.stable_start_time=120",
]
if test_mode and os.getuid() == 0:
    c.Spawner.args.append("--allow-root")  # test servers run as the hub's user, root on CI machines


def copy_course(spawner):
    """Copies the course notebooks into ~/course on every start; a file that exists is never overwritten."""
    name = spawner.user.name
    account = None
    if test_mode and not s.get("real_accounts"):
        home = spawner.home_dir
    else:
        account = pwd.getpwnam(name)
        home = account.pw_dir
    if account:
        os.chmod(home, 0o700)  # a student's files are theirs alone (useradd's default home is 0755)
    target = os.path.join(home, "course")
    for top, _dirs, files in os.walk(s["course_dir"]):
        rel = os.path.relpath(top, s["course_dir"])
        dest_dir = os.path.normpath(os.path.join(target, rel))
        os.makedirs(dest_dir, exist_ok=True)
        if account:
            os.chown(dest_dir, account.pw_uid, account.pw_gid)
        for f in files:
            dest = os.path.join(dest_dir, f)
            if not os.path.exists(dest):
                shutil.copyfile(os.path.join(top, f), dest)
                if account:
                    os.chown(dest, account.pw_uid, account.pw_gid)


c.Spawner.pre_spawn_hook = copy_course
