#!/usr/bin/env bash
# One command from a fresh Debian machine to the course: Jupyter from Debian's packages, the
# DeepToy kernel, then the notebook server on the course folder.
#   bash install/setup.sh [--no-open]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

packages="jupyter-notebook python3-nbclient python3-nbconvert python3-jupyter-client python3-jupyter-kernel-test python3-ipykernel python3-numpy"
missing=$(for p in $packages; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup.sh: install Jupyter (notebook, nbconvert, nbclient) with your package manager, then run install/install.sh" >&2
    exit 1
  fi
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "Installing Jupyter from Debian's packages: $missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
fi

bash "$here/install.sh"

if [ "${1:-}" != "--no-open" ]; then
  cd "$root/notebooks"
  exec /usr/bin/python3 -m notebook --allow-root
fi
