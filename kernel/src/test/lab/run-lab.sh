#!/usr/bin/env bash
# The JupyterLab 4 browser test: a JupyterLab server on 127.0.0.1 with the DeepToy kernel installed
# (install/install.sh into a temporary prefix), a notebook of the course executed by nbconvert and
# opened as shipped (untrusted), and a test notebook run live; run-lab.js drives headless Chromium.
# Stops the server by its PID and removes its folder.
#   kernel/src/test/lab/run-lab.sh SCREENSHOT_DIR
# Needs: JupyterLab 4 (Debian 13: jupyterlab), python3-nbconvert, chromium, node and `npm ci` here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
shots="$(mkdir -p "${1:?usage: run-lab.sh SCREENSHOT_DIR}" && cd "$1" && pwd)"
work="$(mktemp -d /tmp/deeptoy-lab.XXXXXX)"
server=""
cleanup() {
  set +e
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null
    for _ in $(seq 40); do kill -0 "$server" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$server" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

jupyter lab --version >/dev/null || { echo "run-lab.sh: JupyterLab is not installed" >&2; exit 1; }
[ -f "$root/kernel/target/deeptoy-kernel.jar" ] || (cd "$root" && mvn -q -DskipTests package)
bash "$root/install/install.sh" --prefix "$work/prefix" --no-build --memory 1g >/dev/null
export JUPYTER_PATH="$work/prefix/share/jupyter"
mkdir -p "$work/nb"
# The stored notebook: a course notebook executed outside the server, as the course ships (not signed
# by this server, so JupyterLab opens it untrusted).
cp "$root/notebooks/02-graph.ipynb" "$work/nb/stored.ipynb"
python3 -m nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name=deeptoy \
  --ExecutePreprocessor.timeout=300 "$work/nb/stored.ipynb" >"$work/nbconvert.log" 2>&1 \
  || { cat "$work/nbconvert.log" >&2; exit 1; }
graphs="$(python3 -c 'import json,sys; nb=json.load(open(sys.argv[1])); print(sum("image/svg+xml" in o.get("data",{}) for c in nb["cells"] for o in c.get("outputs",[])))' "$work/nb/stored.ipynb")"
echo "[lab] notebook 02 executed by nbconvert: $graphs graph outputs"
cp "$here/../resources/lab/lab-outputs.ipynb" "$work/nb/live.ipynb"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
token="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
allow_root=(); [ "$(id -u)" != 0 ] || allow_root=(--allow-root)
HOME="$work" jupyter lab --no-browser --ip=127.0.0.1 --port="$port" --IdentityProvider.token="$token" \
  --ServerApp.root_dir="$work/nb" "${allow_root[@]}" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 120); do
  python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/api/status?token=$token', timeout=2)" \
    2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { echo "JupyterLab did not start:" >&2; tail -30 "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
echo "[lab] JupyterLab $(jupyter lab --version) on 127.0.0.1:$port"
status=0
node "$here/run-lab.js" --base "http://127.0.0.1:$port/" --token "$token" --stored stored.ipynb \
  --live live.ipynb --min-pictures "$graphs" --screenshots "$shots" --user-data-dir "$work/chromium" || status=$?
if [ "$status" != 0 ]; then echo "--- JupyterLab's log (end) ---"; tail -40 "$work/server.log"; fi
exit "$status"
