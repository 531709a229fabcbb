#!/usr/bin/env bash
# The browser test for JupyterLab 4 (`lab`, the default) or Notebook 7 (`notebook`): that server on
# 127.0.0.1 with the DeepToy kernel installed (install/install.sh into a temporary prefix), a notebook
# of the course executed by nbconvert and opened as shipped (untrusted), a test notebook run live
# (Run All Cells) and one driven cell by cell (live training chart, Interrupt, Tab, Shift-Tab, input,
# Restart); run-lab.js drives headless Chromium. Stops the server by its PID and removes its folder.
# Prints "[UI] PASS: ..." or "[UI] FAIL: ..." last and exits non-zero on failure.
#   kernel/src/test/lab/run-lab.sh SCREENSHOT_DIR [lab|notebook [run-lab.js options, e.g. --parts live]]
# Needs: JupyterLab 4 (Debian 13: jupyterlab) or Notebook 7 (python3-notebook from Debian unstable),
# python3-nbconvert, chromium, node and `npm ci` here; DEEPTOY_DATA with Iris for the training cell.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
shots="$(mkdir -p "${1:?usage: run-lab.sh SCREENSHOT_DIR [lab|notebook]}" && cd "$1" && pwd)"
ui="${2:-lab}"
case "$ui" in
  lab) server_cmd=(jupyter lab); version() { jupyter lab --version; } ;;
  notebook) server_cmd=(python3 -m notebook);  # Debian's python3-notebook has no jupyter-notebook command
            version() { python3 -c 'import notebook; print(notebook.__version__)'; } ;;
  *) echo "run-lab.sh: the front end is lab or notebook, not $ui" >&2; exit 2 ;;
esac
started=$(date +%s)
work="$(mktemp -d /tmp/deeptoy-lab.XXXXXX)"
server=""
summary=""
cleanup() {
  local status=$?
  set +e
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null
    for _ in $(seq 40); do kill -0 "$server" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$server" 2>/dev/null
  fi
  rm -rf "$work"
  [ -n "$summary" ] || summary="[$ui] FAIL: stopped before the browser ran (status $status)"
  echo "$summary"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

version >/dev/null || { echo "[$ui] FAIL: ${server_cmd[*]} is not installed" >&2; exit 1; }
if [ "$ui" = notebook ] && [ "$(version | cut -d. -f1)" -lt 7 ]; then
  echo "[$ui] FAIL: this test is for Notebook 7; found $(version)" >&2; exit 1
fi
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
echo "[$ui] notebook 02 executed by nbconvert: $graphs graph outputs"
cp "$here/../resources/lab/lab-outputs.ipynb" "$work/nb/live.ipynb"
cp "$here/../resources/lab/lab-interactive.ipynb" "$work/nb/interactive.ipynb"

# no "Would you like to receive official Jupyter news?" toast over the screenshots
news="$work/.jupyter/lab/user-settings/@jupyterlab/apputils-extension"
mkdir -p "$news" && echo '{"fetchNews": "false"}' >"$news/notification.jupyterlab-settings"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
token="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
allow_root=(); [ "$(id -u)" != 0 ] || allow_root=(--allow-root)
HOME="$work" "${server_cmd[@]}" --no-browser --ip=127.0.0.1 --port="$port" --IdentityProvider.token="$token" \
  --ServerApp.root_dir="$work/nb" "${allow_root[@]}" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 120); do
  python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/api/status?token=$token', timeout=2)" \
    2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { echo "[$ui] FAIL: ${server_cmd[*]} did not start:" >&2; tail -30 "$work/server.log" >&2; exit 1; }
  sleep 0.5
done
echo "[$ui] ${server_cmd[*]} $(version) on 127.0.0.1:$port"
set +e
node "$here/run-lab.js" --ui "$ui" --base "http://127.0.0.1:$port/" --token "$token" --stored stored.ipynb \
  --live live.ipynb --interactive interactive.ipynb --min-pictures "$graphs" --screenshots "$shots" \
  --user-data-dir "$work/chromium" "${@:3}" 2>&1 | tee "$work/checks.log"
status=${PIPESTATUS[0]}
set -e
checks=$(grep -c "^\[$ui\] ok:" "$work/checks.log" || true)
if [ "$status" != 0 ]; then
  echo "--- the server's log (end) ---"; tail -40 "$work/server.log"
  summary="[$ui] FAIL: $(grep -m1 "FAIL:" "$work/checks.log" | sed 's/^\[[a-z]*\] FAIL: //' | head -c 300) ($checks checks passed before it; $(( $(date +%s) - started )) s; screenshots in $shots)"
else
  skipped=$(grep "^\[$ui\] SKIPPED:" "$work/checks.log" | sed 's/^\[[a-z]*\] //' | paste -sd';' - || true)
  summary="[$ui] PASS${skipped:+ ($skipped)}: $checks checks in $(( $(date +%s) - started )) s ($("${server_cmd[@]}" --version), screenshots in $shots)"
fi
exit "$status"
