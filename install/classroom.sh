#!/usr/bin/env bash
# A DeepToy class server on one machine (Debian 12 or 13, as root): JupyterHub with the DeepToy kernel for
# every student, the course copied into each home on first start, the datasets once for all.
#   install/classroom.sh [--users FILE] [--admin NAME] [--port 8000] [--memory-per-student 1G]
#                        [--data DIR] [--no-build] [--no-start] [--root DIR] [--help]
#   --users FILE             one login per line: creates the Linux accounts that do not exist yet and
#                            prints their first passwords (once: they are not stored)
#   --admin NAME             the teacher: a JupyterHub admin who can open every student's server
#   --port N                 the port students open in the browser (default 8000; put TLS in front)
#   --memory-per-student M   memory per student (default 1G), enforced: each student's server and
#                            kernels run in a resource group of their own (a systemd scope, or a
#                            cgroup without systemd) with this memory, 512 processes and one CPU
#                            (install/classroom/python/deeptoy_limits.py); the kernel's heap follows
#                            it (install/launch.in)
#   --data DIR               take the datasets from DIR (default: $DEEPTOY_DATA if set, else download)
#   --no-build               use the kernel jar already built (kernel/target/deeptoy-kernel.jar)
#   --no-start               write everything, do not start the hub
#   --root DIR               write under DIR instead of / and create no accounts (for tests)
# Then the hub runs in the foreground; a systemd unit (deeptoy-hub.service) is written too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

users_file="" admin="" port=8000 memory=1G data="${DEEPTOY_DATA:-}" build=1 start=1 dest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --users) users_file="$2"; shift 2 ;;
    --admin) admin="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --memory-per-student) memory="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-start) start=0; shift ;;
    --root) dest="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "classroom.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "classroom.sh: --port takes a number, got '$port'" >&2; exit 2; }
[[ "$memory" =~ ^[0-9]+[KMGT]?$ ]] || { echo "classroom.sh: --memory-per-student takes e.g. 1G or 512M, got '$memory'" >&2; exit 2; }
[ -z "$users_file" ] || [ -r "$users_file" ] || { echo "classroom.sh: cannot read the users file $users_file" >&2; exit 2; }
if [ -z "$dest" ] && [ "$(id -u)" != 0 ]; then
  echo "classroom.sh: run as root (sudo): it installs packages, creates accounts and runs the hub" >&2; exit 1
fi

etc="$dest/etc/deeptoy-hub" state="$dest/var/lib/deeptoy-hub" srv="$dest/srv/deeptoy"
prefix="$dest/usr/local" unit="$dest/etc/systemd/system/deeptoy-hub.service"

# 1. Debian's packages: the hub (with its proxy), a front end, a JDK 17+ and Maven to build. The front
#    end: JupyterLab where the release has it (Debian 13), else the one already there, else the classic
#    notebook (Debian 12); never the classic notebook over Notebook 7 (their packages conflict).
# shellcheck source=jdk.sh
. "$here/jdk.sh"
available() { apt-cache show --no-all-versions "$1" >/dev/null 2>&1; }
if [ -z "$dest" ] && ! available jupyterhub; then apt-get update -qq; fi
packages="jupyterhub python3-nbclient python3-nbconvert python3-ipykernel python3-numpy maven"
if available jupyterlab; then
  packages="$packages jupyterlab"  # the students' default UI (jupyterhub_config.py)
elif ! jupyter lab --version >/dev/null 2>&1 && ! jupyter notebook --version >/dev/null 2>&1; then
  packages="$packages jupyter-notebook"
fi
if [ -n "$(java_problem)" ]; then
  jdk="$(jdk_package)"
  [ -n "$jdk" ] || { java_problem >&2; jdk_advice >&2; exit 1; }
  packages="$packages $jdk"
fi
missing=$(for p in $packages; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  [ -z "$dest" ] || { echo "classroom.sh: missing packages (--root installs none): $missing" >&2; exit 1; }
  echo "Installing from Debian: $(echo $missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing >/dev/null
fi

# 2. The kernel, system-wide: a kernelspec in one account's home is invisible to the others.
bash "$here/install.sh" --prefix "$prefix" $([ "$build" = 1 ] || echo --no-build) --memory 4g

# 3. The course and the datasets, once, read-only for the students.
mkdir -p "$srv/course" "$srv/datasets"
cp "$root"/notebooks/*.ipynb "$srv/course/"
if [ -n "$data" ] && [ -d "$data" ]; then
  echo "Datasets from $data into $srv/datasets"
  for d in iris mnist fashion-mnist cifar-10; do
    [ -d "$data/$d" ] && { rm -rf "${srv:?}/datasets/$d"; cp -r "$data/$d" "$srv/datasets/$d"; }
  done
else
  echo "Downloading the datasets into $srv/datasets (official sources, checksums checked)"
  java -Xmx3g -Ddeeptoy.cache="$srv/datasets" -cp "$prefix/share/jupyter/kernels/deeptoy/deeptoy-kernel.jar" \
    "$here/classroom/FetchDatasets.java"
fi
rm -rf "${srv:?}/python" && cp -r "$here/classroom/python" "$srv/python"  # kernel ports (deeptoy_ports.py)
chmod -R u+rwX,go+rX,go-w "$srv"

# 4. Accounts: the teacher and the students; first passwords are shown once.
logins=()
if [ -n "$users_file" ]; then
  while read -r login _; do
    [ -n "$login" ] && [ "${login:0:1}" != "#" ] && logins+=("$login")
  done < "$users_file"
fi
for login in "${logins[@]}" ${admin:+"$admin"}; do
  [[ "$login" =~ ^[a-z_][a-z0-9_-]*$ ]] || { echo "classroom.sh: '$login' is not a valid login" >&2; exit 2; }
done
created=""
for login in ${admin:+"$admin"} "${logins[@]}"; do
  if [ -n "$dest" ]; then
    created+="$login (not created: --root)"$'\n'
  elif id "$login" >/dev/null 2>&1; then
    created+="$login (account exists; password unchanged)"$'\n'
  else
    password="$(head -c 12 /dev/urandom | base64 | tr -d '/+=' | head -c 12)"
    useradd -m -s /bin/bash "$login"
    chmod 700 "$(getent passwd "$login" | cut -d: -f6)"  # private home (the hub keeps it so at each start)
    echo "$login:$password" | chpasswd
    created+="$login $password"$'\n'
  fi
done
if [ -n "$created" ]; then
  echo "Accounts (first passwords are shown only now; students change them with passwd in a terminal):"
  printf '%s' "$created" | sed 's/^/  /'
fi

# 5. The hub's configuration: the template and this server's settings.
mkdir -p "$etc" "$state"
chmod 700 "$state"
cp "$here/classroom/jupyterhub_config.py" "$etc/jupyterhub_config.py"
json_list() { local out="" x; for x in "$@"; do out+="${out:+, }\"$x\""; done; echo "[$out]"; }
cat > "$etc/deeptoy-hub.json" <<JSON
{
  "port": $port,
  "admin": "$admin",
  "users": $(json_list "${logins[@]}"),
  "memory_per_student": "$memory",
  "course_dir": "$srv/course",
  "data_dir": "$srv/datasets",
  "kernel_ports_dir": "$srv/python",
  "state_dir": "$state",
  "cull_idle_seconds": 3600
}
JSON
mkdir -p "$(dirname "$unit")"
cat > "$unit" <<UNIT
[Unit]
Description=DeepToy class server (JupyterHub)
After=network-online.target

[Service]
User=root
WorkingDirectory=$state
Environment=NODE_PATH=/usr/share/nodejs
ExecStart=/usr/bin/jupyterhub -f $etc/jupyterhub_config.py
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
echo "Hub configuration: $etc/jupyterhub_config.py with $etc/deeptoy-hub.json; systemd unit: $unit"
echo "  (on a server with systemd: systemctl daemon-reload && systemctl enable --now deeptoy-hub)"

# 6. The hub, in the foreground.
if [ "$start" = 0 ]; then
  echo "Not started (--no-start). Start it with: cd $state && jupyterhub -f $etc/jupyterhub_config.py"
  exit 0
fi
echo "Starting JupyterHub on port $port: students open http://$(hostname -f 2>/dev/null || hostname):$port/"
cd "$state"
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
exec jupyterhub -f "$etc/jupyterhub_config.py"
