#!/usr/bin/env bash
# Installs the DeepToy Jupyter kernel (kernelspec "deeptoy").
#   install/install.sh [--user | --prefix DIR] [--memory auto|4g] [--no-build] [--uninstall]
# --memory is the heap when the kernel finds no memory limit (MEM_LIMIT, cgroup); auto (the default): half
# the machine's memory, at most 8g: see install/launch.in.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
name=deeptoy
memory=auto
prefix=""
build=1
uninstall=0

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --user) prefix=""; shift ;;
    --memory) memory="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

if ! command -v jupyter >/dev/null 2>&1; then
  cat >&2 <<'MSG'
Jupyter is not installed. Install it, then run this script again:
  Debian/Ubuntu:  sudo apt-get install jupyter-notebook python3-nbconvert python3-nbclient
  elsewhere:      python3 -m pip install --user notebook nbconvert nbclient
MSG
  exit 1
fi

if [ "$uninstall" = 1 ]; then
  if [ -n "$prefix" ]; then
    rm -rf "$prefix/share/jupyter/kernels/$name"
  else
    rm -rf "$(jupyter --data-dir)/kernels/$name"
  fi
  echo "DeepToy kernel removed."
  exit 0
fi

# shellcheck source=jdk.sh
. "$here/jdk.sh"
problem="$(java_problem)"
if [ -n "$problem" ]; then
  echo "$problem" >&2
  jdk_advice >&2
  exit 1
fi
java_bin="$(command -v java)"
java_major="$(java_major "$java_bin")"

jar="$root/kernel/target/deeptoy-kernel.jar"
if [ "$build" = 1 ]; then
  (cd "$root" && mvn -q -DskipTests package)
fi
if [ ! -f "$jar" ]; then
  echo "The kernel jar is missing: $jar (build it with: mvn -DskipTests package)" >&2
  exit 1
fi

# -ea:REPL...: assertions on in cells (JShell compiles them into package REPL), off in the libraries
# (ELK alone has 67 classes with asserts, meant for its own tests).
# JDK 24+ warn on stderr at each start that a library (classgraph) uses sun.misc.Unsafe; allowed here.
unsafe_flag=()
if [ "$java_major" -ge 24 ]; then unsafe_flag=(--sun-misc-unsafe-memory-access=allow); fi

spec="$(mktemp -d)/$name"
mkdir -p "$spec"
cp "$jar" "$spec/deeptoy-kernel.jar"
# Cells compile against a slim jar of the API they can name (DeepToy, Tablesaw, XChart and what their
# signatures name: ~1.1k of the jar's 23k classes) and run against the whole jar: JShell's index of
# the whole jar cost each idle kernel ~17 MB of heap (see kernel CompileJar). Without it they compile
# against the whole jar.
if ! "$java_bin" -jar "$spec/deeptoy-kernel.jar" --compile-jar "$spec/deeptoy-compile.jar" >/dev/null; then
  rm -f "$spec/deeptoy-compile.jar"
  echo "note: could not make the kernel's compile jar; cells compile against the whole kernel jar." >&2
fi
# The JVM flags, in one place: the launcher below starts every kernel with them, and the
# class-data-sharing archive is recorded with them.
# -Xms32m: the default initial heap (1/64 of RAM, ~380 MB here) is committed from the start and the heap
# never shrinks below it, which kept an idle kernel at ~290 MB resident; from 32 MB it grows as needed.
jvm_flags=(-Xms32m -Xss4m -XX:+UseSerialGC -ea:REPL... -Djava.awt.headless=true "${unsafe_flag[@]}")
# kernel.json cannot compute a heap size, so it runs a small launcher ({resource_dir} is the installed
# kernelspec directory); the launcher sizes the heap and the BLAS threads from where the kernel runs.
sed -e "s|@JAVA@|$java_bin|" -e "s|@MEMORY@|$memory|" -e "s|@FLAGS@|${jvm_flags[*]}|" \
  "$here/launch.in" > "$spec/launch"
chmod 755 "$spec/launch"
cat > "$spec/kernel.json" <<JSON
{
  "argv": ["{resource_dir}/launch", "{connection_file}"],
  "display_name": "Java (DeepToy)",
  "language": "java",
  "interrupt_mode": "message"
}
JSON
if jupyter kernelspec --version >/dev/null 2>&1; then
  if [ -n "$prefix" ]; then
    jupyter kernelspec install --prefix "$prefix" --name "$name" "$spec" >/dev/null
  else
    jupyter kernelspec install --user --name "$name" "$spec" >/dev/null
  fi
else
  # Debian's jupyter-notebook may lack the kernelspec subcommand; a kernelspec is just a directory.
  if [ -n "$prefix" ]; then dest="$prefix/share/jupyter/kernels/$name"; else dest="$(jupyter --data-dir)/kernels/$name"; fi
  rm -rf "$dest"; mkdir -p "$(dirname "$dest")"; cp -r "$spec" "$dest"
fi
rm -rf "$(dirname "$spec")"
if [ -n "$prefix" ]; then dest="$prefix/share/jupyter/kernels/$name"; else dest="$(jupyter --data-dir)/kernels/$name"; fi
chmod 755 "$dest/launch"  # jupyter kernelspec install may not keep the mode
# A class-data-sharing archive of the classes a kernel loads (JShell, javac, the renderers) shortens
# its start-up. It is tied to this JVM and to the jar's path, so it is made here for the installed
# copy (the launcher uses it when it is there); if it cannot be made, the kernel runs without it.
# (Measured on Java 25: JDK 24+'s AOT cache, -XX:AOTCacheOutput, saved no more than this archive and
# takes longer to make; see bench/kernel-start.sh.)
if ! "$java_bin" -XX:ArchiveClassesAtExit="$dest/deeptoy.jsa" "${jvm_flags[@]}" -jar "$dest/deeptoy-kernel.jar" --warm-up \
     >/dev/null 2>&1 || [ ! -s "$dest/deeptoy.jsa" ]; then
  rm -f "$dest/deeptoy.jsa"
  echo "note: $java_bin could not make a class-data-sharing archive; the kernel starts without it (slower)." >&2
fi
# An install that reports success must work: start the installed kernel once and check a reply.
python=python3
if /usr/bin/python3 -c 'import jupyter_client' >/dev/null 2>&1; then python=/usr/bin/python3; fi
if ! check="$(JUPYTER_PATH="${prefix:+$prefix/share/jupyter${JUPYTER_PATH:+:}}${JUPYTER_PATH:-}" \
              "$python" "$here/check_kernel.py" "$name" "$dest" 2>&1)"; then
  rm -rf "$dest"
  echo "install.sh: the installed kernel does not work with $java_bin (Java $java_major), so it was removed:" >&2
  echo "$check" | sed 's/^/  /' >&2
  exit 1
fi
echo "Installed the Jupyter kernel 'Java (DeepToy)' (heap from MEM_LIMIT or the cgroup limit, else $([ "$memory" = auto ] && echo "half the memory, at most 8 GB" || echo "-Xmx$memory"); Java $java_major)${prefix:+ under $prefix/share/jupyter/kernels/$name}: $check."
