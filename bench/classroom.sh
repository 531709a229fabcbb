#!/usr/bin/env bash
# A class on one machine, measured: a JupyterHub on 127.0.0.1 (the hub configuration of
# install/classroom/, with JupyterHub's DummyAuthenticator and SimpleLocalProcessSpawner so that no
# Linux accounts are needed), N test students signed in through the hub's REST API, a DeepToy kernel
# opened in each through the notebook server's REST + WebSocket API (bench/classroom.py, Debian's
# python3-websocket); all run notebook 02 at once, then K train notebook 06's MLP (quick mode) while
# the others run 1+1 every 2 s. Stops by itself; kills only the processes it started; removes its
# temporary folder.
#   bench/classroom.sh [STUDENTS=30] [TRAINING=4] [--check CODE] [--then COMMAND] [--accounts PREFIX] [--abuse]
#   --check CODE: only open the kernels and run CODE in each (the CI test); --then COMMAND: run
#   COMMAND (with HUB_URL set) while the hub is still up, e.g. a browser test; --accounts PREFIX: the
#   students are the existing Linux accounts PREFIX01, PREFIX02, ... and their servers run as them
#   (LocalProcessSpawner, homes /home/PREFIXnn; the privacy test in ClassroomHubTest; needs root).
#   --abuse: while the others work, the last 4 students fork-bomb, allocate 20 GB of native memory, spin
#   4 threads and print without end; each must be stopped by its own limit and restart cleanly
#   (last line: "classroom abuse: S students, F failures among the others, 1+1 p95 T ms, abusers contained A of 4").
# Targets (2 cores, 24 GB): 30 students, 0 failures, idle <= 300 MB per student, 1+1 p95 <= 1 s while 4 train;
# with --abuse the same for the 26 others, and 4 of 4 abusers contained.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
students=30 training=4 check="" then="" accounts="" abuse="" n=0
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check="$2"; shift 2 ;;
    --then) then="$2"; shift 2 ;;
    --accounts) accounts="$2"; shift 2 ;;
    --abuse) abuse=--abuse; shift ;;
    [0-9]*) if [ $n = 0 ]; then students="$1"; else training="$1"; fi; n=$((n + 1)); shift ;;
    *) sed -n '2,21p' "$0"; exit 2 ;;
  esac
done
case "$students$training" in *[!0-9]*) sed -n '2,21p' "$0"; exit 2 ;; esac
for tool in jupyterhub jupyterhub-singleuser configurable-http-proxy; do
  command -v "$tool" >/dev/null || { echo "classroom.sh: $tool is missing: apt-get install jupyterhub" >&2; exit 1; }
done
/usr/bin/python3 -c "import websocket" 2>/dev/null || { echo "classroom.sh: apt-get install python3-websocket" >&2; exit 1; }

work="$(mktemp -d /tmp/deeptoy-classroom.XXXXXX)"
hub_pid=""
cleanup() {
  set +e
  if [ -n "$hub_pid" ] && kill -0 "$hub_pid" 2>/dev/null; then
    kill -TERM "$hub_pid"                      # the hub stops the servers it spawned
    for _ in $(seq 60); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$hub_pid" 2>/dev/null
  fi
  # whatever is left of what this run started: proxy, servers, kernels (pids recorded, never by name)
  for f in "$work/state/jupyterhub-proxy.pid" "$work/pids"; do
    [ -f "$f" ] && while read -r p; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null; done < "$f"
  done
  # the hub's own log, kept when asked (the Debian 13 CI looks for tracebacks in it)
  [ -z "${DEEPTOY_HUB_LOG:-}" ] || cp "$work/hub.log" "$DEEPTOY_HUB_LOG"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

[ -f "$root/kernel/target/deeptoy-kernel.jar" ] || (cd "$root" && mvn -q -DskipTests package)
bash "$root/install/install.sh" --prefix "$work/prefix" --no-build >/dev/null
mkdir -p "$work/state" "$work/homes" "$work/course"
cp "$root"/notebooks/*.ipynb "$work/course/"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port); hub_port=$(free_port); proxy_api_port=$(free_port)
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
data="${DEEPTOY_DATA:-$HOME/.deeptoy/datasets}"
cp -r "$root/install/classroom/jupyterhub_config.py" "$root/install/classroom/python" "$work/state/"
real_accounts=""; [ -z "$accounts" ] || real_accounts=', "real_accounts": true'
cat > "$work/state/deeptoy-hub.json" <<JSON
{"test": true, "ip": "127.0.0.1", "port": $port, "hub_port": $hub_port, "proxy_api_port": $proxy_api_port,
 "state_dir": "$work/state", "homes": "$work/homes", "course_dir": "$work/course", "data_dir": "$data",
 "jupyter_path": "$work/prefix/share/jupyter", "api_token": "$token", "memory_per_student": "1G",
 "environment": {"DEEPTOY_QUICK": "1"}, "start_timeout": 240$real_accounts}
JSON
homes="$work/homes" student_prefix=student
if [ -n "$accounts" ]; then
  chmod 755 "$work"  # the accounts' servers read the kernel and the course from here,
  chmod 711 "$work/state"; chmod 600 "$work/state/deeptoy-hub.json"  # not the hub's API token
  homes=/home student_prefix="$accounts"
fi
if [ -n "$accounts" ]; then
  echo "JupyterHub $(jupyterhub --version) on 127.0.0.1:$port with DummyAuthenticator and LocalProcessSpawner"
  echo "(the Linux accounts ${accounts}01...; config install/classroom/jupyterhub_config.py), 1G per student"
else
  echo "JupyterHub $(jupyterhub --version) on 127.0.0.1:$port with DummyAuthenticator and SimpleLocalProcessSpawner"
  echo "(test students without Linux accounts; config install/classroom/jupyterhub_config.py), 1G per student"
fi
echo "load before: $(uptime | sed 's/.*load/load/'); $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB"
# Debian's configurable-http-proxy finds its modules in /usr/share/nodejs (not on the path of every node)
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
(cd "$work/state" && exec jupyterhub -f "$work/state/jupyterhub_config.py" >"$work/hub.log" 2>&1) &
hub_pid=$!
for _ in $(seq 120); do
  /usr/bin/python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/hub/api/', timeout=2)" \
    2>/dev/null && break
  kill -0 "$hub_pid" 2>/dev/null || { echo "the hub did not start:"; tail -30 "$work/hub.log"; exit 1; }
  sleep 0.5
done
hub_rss() { awk '/VmRSS/{print int($2/1024)}' "/proc/$1/status" 2>/dev/null || echo 0; }
status=0
/usr/bin/python3 "$root/bench/classroom.py" --hub "http://127.0.0.1:$port" --token "$token" \
  --students "$students" --training "$training" --notebooks "$work/course" --pids "$work/pids" --homes "$homes" \
  --prefix "$student_prefix" $abuse \
  ${check:+--check "$check"} | tee "$work/out.txt" || status=$?
if [ -n "$then" ] && [ "$status" = 0 ]; then
  HUB_URL="http://127.0.0.1:$port" bash -c "$then" || status=$?
fi
proxy_pid="$(cat "$work/state/jupyterhub-proxy.pid" 2>/dev/null || echo 0)"
echo "hub $(hub_rss "$hub_pid") MB, proxy $(hub_rss "$proxy_pid") MB resident (once per server)"
echo "load after: $(uptime | sed 's/.*load/load/')"
# kernels that could not start (a port taken) and were started again by their notebook server
grep -E "DeepToy kernel: cannot listen|restarting kernel" "$work/hub.log" | tail -20 | sed 's/^/hub log: /' || true
if [ "$status" != 0 ]; then
  echo "--- hub log: kernel restarts and errors (last 40) ---"
  grep -E "KernelRestarter|died|stopping|Traceback|Error|error" "$work/hub.log" | grep -v "^WARNING: " | tail -40 || true
fi
if [ -n "$check" ]; then exit "$status"; fi
if [ -n "$abuse" ]; then
  tail -1 "$work/out.txt" | grep '^classroom abuse: ' || echo "classroom abuse: $students students, run failed (status $status)"
else
  tail -1 "$work/out.txt" | grep '^classroom: ' || echo "classroom: $students students, run failed (status $status)"
fi
