#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine to the course: installs what is missing of a JDK
# (17 or newer, from the release's own packages), Maven and Jupyter, installs the DeepToy kernel,
# then opens the course folder in JupyterLab where it is installed, else in the notebook.
#   bash install/setup.sh [--no-open]
# A Jupyter front end already there (JupyterLab, Notebook 7, the classic notebook) is kept and used;
# on a machine with none, it installs JupyterLab where the release has it (Debian 13), else the
# classic notebook (Debian 12).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=jdk.sh
. "$here/jdk.sh"

open=1
for arg in "$@"; do
  case "$arg" in
    --no-open) open=0 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

apt=0; command -v apt-get >/dev/null 2>&1 && apt=1
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; elif [ "$apt" = 1 ]; then sudo=no-sudo; fi
fi
updated=0
apt_install() {
  if [ "$sudo" = no-sudo ]; then
    echo "setup.sh: installing $* needs root: run this as root, or install sudo" >&2; exit 1
  fi
  if [ "$updated" = 0 ]; then $sudo apt-get update -qq; updated=1; fi
  echo "Installing from the release's packages: $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q 'install ok installed'; }
available() {
  if [ "$updated" = 0 ] && [ "$sudo" != no-sudo ]; then $sudo apt-get update -qq; updated=1; fi
  apt-cache show --no-all-versions "$1" >/dev/null 2>&1
}

# The front end already there: lab (JupyterLab), notebook (Notebook 7 or the classic one), or none.
front_end() {
  if jupyter lab --version >/dev/null 2>&1; then echo lab
  elif jupyter notebook --version >/dev/null 2>&1; then echo notebook
  else echo none
  fi
}

# 1. Jupyter. Never the classic notebook over another front end: on a machine with Notebook 7 its
#    package conflicts (apt: "held broken packages").
ui="$(front_end)"
if [ "$apt" = 1 ]; then
  want=""
  if [ "$ui" = none ]; then
    if available jupyterlab; then want="jupyterlab"; else want="jupyter-notebook"; fi
  fi
  # the `jupyter` command, the kernel check (jupyter_client), notebook runs and the test suite
  for p in jupyter-core python3-jupyter-client python3-nbclient python3-nbconvert python3-ipykernel python3-numpy \
           python3-jupyter-kernel-test; do
    installed "$p" || ! available "$p" || want="$want $p"
  done
  # shellcheck disable=SC2086
  [ -z "$want" ] || apt_install $want
  ui="$(front_end)"
fi
if [ "$ui" = none ]; then
  echo "setup.sh: no Jupyter front end found. Install JupyterLab (python3 -m pip install --user jupyterlab)," >&2
  echo "  then run this again." >&2
  exit 1
fi

# 2. A JDK 17+: the release's default JDK where it is 17 or newer (Debian 12: 17, Debian 13: 21).
problem="$(java_problem)"
if [ -n "$problem" ] && [ "$apt" = 1 ]; then
  pkg="$(jdk_package)"
  if [ -z "$pkg" ]; then
    echo "$problem" >&2
    echo "  this release has no JDK 17 or newer package; install one (e.g. from adoptium.net) and put its bin/ first on PATH" >&2
    exit 1
  fi
  echo "$problem"
  apt_install "$pkg"
  # The `java` on PATH may still be an older one (update-alternatives): use the new JDK by its path.
  if [ -n "$(java_problem)" ]; then
    for bin in /usr/lib/jvm/default-java/bin /usr/lib/jvm/*/bin; do
      if [ -x "$bin/java" ] && [ -z "$(java_problem "$bin/java")" ]; then
        echo "note: 'java' on PATH is not usable ($(java_problem)); the kernel uses $bin/java"
        export PATH="$bin:$PATH"
        break
      fi
    done
  fi
fi
# install.sh checks Java again and refuses a JRE or Java < 17 with what to install.

# 3. Maven builds the kernel.
if ! command -v mvn >/dev/null 2>&1; then
  if [ "$apt" = 1 ]; then apt_install maven; else
    echo "setup.sh: Maven is not installed (it builds the kernel): install Maven 3.6 or newer, then run this again" >&2
    exit 1
  fi
fi

bash "$here/install.sh"

if [ "$open" = 1 ]; then
  cd "$root/notebooks"
  allow_root=(); [ "$(id -u)" != 0 ] || allow_root=(--allow-root)
  if [ "$ui" = lab ]; then exec jupyter lab "${allow_root[@]}"; fi
  exec jupyter notebook "${allow_root[@]}"
fi
