#!/usr/bin/env bash
# Prepares gpu-kit/: everything scripts/gpu-suite.sh needs on a GPU machine that has no Java and no
# network (docs/DESIGN.md §9.2): a jlink'ed Java runtime, the diffqp jar, native-kernels' test classes (with
# the contracts they extend and the reference backend, from test-support and backward's tests) and the
# JUnit console launcher. Run it here (with Maven, a JDK 17 and the local repository); copy or carry
# gpu-kit/ (ignored by git) with the working tree to the GPU machine; run scripts/gpu-suite.sh there.
#
#   scripts/make-gpu-kit.sh [KIT_DIR]        default: gpu-kit/ at the repository root
#
# Environment:
#   SKIP_BUILD=1        use what is already built (cli/target/diffqp.jar, native-kernels/target/test-classes,
#                       test-support/target/classes, backward/target/test-classes)
#   KIT_MODULES=…       the runtime's modules (default below); the default leaves out java.desktop, which
#                       only the sudoku command's plot uses, to keep the kit well under 60 MB.
#   KIT_LIMIT_MB=60     fail when the kit is larger
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
kit="${1:-$root/gpu-kit}"
junit_platform="${JUNIT_PLATFORM_VERSION:-1.11.3}" # the JUnit Platform of the project's JUnit 5.11.3
modules="${KIT_MODULES:-java.base,java.logging,java.management,java.sql,java.naming,jdk.unsupported,jdk.crypto.ec}"
limit_mb="${KIT_LIMIT_MB:-60}"
m2="${M2_REPO:-$HOME/.m2/repository}"

if [ "${SKIP_BUILD:-0}" != "1" ]; then
    echo "== building (tests skipped; run mvn install for them)"
    (cd "$root" && { mvn -q -o install -DskipTests || mvn -q install -DskipTests; })
fi
jar="$root/cli/target/diffqp.jar"
classes="$root/native-kernels/target/test-classes"
# The contracts the CUDA tests extend, and the reference backend they compare with (docs/DESIGN.md §4.5).
support="$root/test-support/target/classes"
solve_contract="$root/backward/target/test-classes/io/github/diffqp/backward/SolveAgreementContract.class"
[ -f "$jar" ] || { echo "make-gpu-kit.sh: $jar missing" >&2; exit 1; }
for needed in "$classes" "$support" "$solve_contract"; do
    [ -e "$needed" ] || { echo "make-gpu-kit.sh: $needed missing" >&2; exit 1; }
done

launcher="$m2/org/junit/platform/junit-platform-console-standalone/$junit_platform/junit-platform-console-standalone-$junit_platform.jar"
if [ ! -f "$launcher" ]; then
    echo "== fetching the JUnit console launcher $junit_platform"
    mvn -q dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform" -Dtransitive=false
fi

rm -rf "$kit"
mkdir -p "$kit"
echo "== jlink ($modules)"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$kit/runtime"
# jlink keeps the native libraries' symbol tables; the JVM does not need them (a quarter of libjvm.so).
if command -v strip >/dev/null; then
    find "$kit/runtime" -name '*.so' -exec strip --strip-unneeded {} +
fi

echo "== jars and classes"
cp "$jar" "$kit/diffqp.jar"
# JCuda's natives jar also carries the NVRTC and PTX-compiler bindings (9 MB); DiffQP loads neither.
if command -v zip >/dev/null; then
    zip -q -d "$kit/diffqp.jar" 'lib/libJNvPTXCompiler-*' 'lib/libJNvrtc-*' || true
else
    python3 - "$kit/diffqp.jar" <<'EOF'
import sys, zipfile, os
src = sys.argv[1]; tmp = src + ".tmp"
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        if not (item.filename.startswith("lib/libJNvPTXCompiler-") or item.filename.startswith("lib/libJNvrtc-")):
            zout.writestr(item, zin.read(item.filename))
os.replace(tmp, src)
EOF
fi
cp -r "$classes" "$kit/test-classes"
cp -r "$support/io" "$kit/test-classes/"
mkdir -p "$kit/test-classes/io/github/diffqp/backward"
cp "$(dirname "$solve_contract")"/SolveAgreementContract*.class "$kit/test-classes/io/github/diffqp/backward/"
cp "$launcher" "$kit/junit-platform-console-standalone.jar"
{
    echo "commit $(cd "$root" && git rev-parse HEAD 2>/dev/null || echo unknown)$(cd "$root" && git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(java -version 2>&1 | head -1)"
    echo "modules $modules"
} > "$kit/KIT"

echo "== checking the kit runs"
"$kit/runtime/bin/java" -jar "$kit/diffqp.jar" info
size_kb="$(du -sk "$kit" | cut -f1)"
size_mb=$(( (size_kb + 1023) / 1024 ))
echo "== $kit: ${size_mb} MB (runtime $(du -sm "$kit/runtime" | cut -f1) MB, diffqp.jar $(du -sm "$kit/diffqp.jar" | cut -f1) MB)"
if [ "$size_mb" -ge "$limit_mb" ]; then
    echo "make-gpu-kit.sh: the kit is ${size_mb} MB, over the ${limit_mb} MB limit" >&2
    exit 1
fi
