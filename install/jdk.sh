# Sourced by install.sh, setup.sh and classroom.sh: whether a `java` can run the kernel, and which
# package gives a JDK 17+ on the release this runs on (Debian 12: 17, Debian 13: 21; Debian 13 has no
# openjdk-17, so a fixed package name would be wrong somewhere).

# The Java feature version of $1 (17, 21, ...), or nothing when it does not answer.
java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  echo "${v#1.}"
}

# Why $1 (default: the `java` on PATH) cannot run the kernel, in words for the user; nothing when it can.
java_problem() {
  local java="${1:-$(command -v java || true)}" major modules m
  if [ -z "$java" ]; then echo "Java is not installed. DeepToy needs a JDK, Java 17 or newer."; return; fi
  major="$(java_major "$java")"
  case "$major" in
    ''|*[!0-9]*) echo "DeepToy needs Java 17 or newer; '$java' does not say its version (${major:-no answer})."; return ;;
  esac
  if [ "$major" -lt 17 ]; then echo "DeepToy needs Java 17 or newer; 'java' is version $major ($java)."; return; fi
  # The kernel compiles cells with JShell and javac: a JRE (or a jlinked runtime) lacks them.
  modules="$("$java" --list-modules 2>/dev/null || true)"
  for m in jdk.jshell jdk.compiler; do
    if ! grep -q "^$m@" <<<"$modules"; then
      echo "DeepToy needs a full JDK: '$java' (Java $major) has no $m module (a JRE?)."; return
    fi
  done
}

# The package of a full JDK 17 or newer on this Debian/Ubuntu release: default-jdk-headless where it
# is 17+, else the oldest openjdk-N-jdk-headless >= 17 there is; nothing without apt or a match.
jdk_package() {
  command -v apt-cache >/dev/null 2>&1 || return 0
  local default n
  # default-jdk-headless's version names its JDK: 2:1.17-74 (Debian 12), 2:1.21-76 (Debian 13)
  default="$(apt-cache show --no-all-versions default-jdk-headless 2>/dev/null \
             | sed -n 's/^Version: \([0-9]*:\)\{0,1\}1\.\([0-9][0-9]*\).*/\2/p' | head -1)"
  if [ "${default:-0}" -ge 17 ]; then echo default-jdk-headless; return; fi
  for n in 17 21 25; do
    if apt-cache show --no-all-versions "openjdk-$n-jdk-headless" >/dev/null 2>&1; then
      echo "openjdk-$n-jdk-headless"; return
    fi
  done
}

# One line of advice: how to get a JDK here.
jdk_advice() {
  local pkg
  pkg="$(jdk_package)"
  if [ -n "$pkg" ]; then
    echo "  install one:  sudo apt-get install $pkg   (or put a JDK 17+'s bin/ first on PATH)"
  else
    echo "  install a JDK 17 or newer (e.g. from adoptium.net) and put its bin/ first on PATH;"
    echo "  on Debian/Ubuntu, install/setup.sh installs one from the release's packages"
  fi
}
