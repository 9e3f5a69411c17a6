#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU but no Java and no network: runs, from the kit that
# scripts/make-gpu-kit.sh prepared (gpu-kit/ at the repository root, or $GPU_KIT),
#   1. nvidia-smi and `diffqp info` (is the cuda backend usable, with which libraries);
#   2. native-kernels' tests under the JUnit console launcher: the @Tag("gpu") ones (CPU and GPU agree on
#      solutions and all six gradients, the operation contract on the device, memory refusal, threads)
#      and the others (simulated device, PTX rebuilt with this machine's nvcc, forwarders with its gcc);
#   3. a forward+backward timing on cpu and cuda, B=128 n=100 m=100 (GpuTiming).
# Results go to $OUT (or gpu-results/): summary.md, info.txt, tests.txt, junit/ (XML), gpu-timing.md.
# Exit status: 0 when every test passed and the GPU tests ran (not skipped), 1 otherwise.
#
#   scripts/gpu-suite.sh                      from the repository root of a working tree
#
# Environment: GPU_KIT (kit folder), OUT (results folder), DIFFQP_CUDA_LIB (CUDA library folders, when the
# backend's own search does not find them; the script otherwise looks for them itself),
# TIMING_ARGS (default "128 100 100 0 5": B n m q runs).
set -u

root="$(cd "$(dirname "$0")/.." && pwd)"
kit="${GPU_KIT:-$root/gpu-kit}"
out="${OUT:-$root/gpu-results}"
java="$kit/runtime/bin/java"
mkdir -p "$out"
summary="$out/summary.md"
: > "$summary"
note() { echo "$*" | tee -a "$summary"; }

if [ ! -x "$java" ] || [ ! -f "$kit/diffqp.jar" ]; then
    note "gpu-suite.sh: no kit at $kit (run scripts/make-gpu-kit.sh on a machine with Java and Maven)"
    exit 1
fi
note "# DiffQP GPU suite"
note ""
note "kit: $(tr '\n' ';' < "$kit/KIT" 2>/dev/null)"
note "host: $(uname -srm), $(nproc) cores"

{ nvidia-smi || echo "nvidia-smi failed"; } > "$out/nvidia-smi.txt" 2>&1
note "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
command -v nvcc >/dev/null && note "nvcc: $(nvcc --version | tail -2 | head -1)"

# The backend searches CUDA_HOME, LD_LIBRARY_PATH, /usr/local/cuda*, Python wheels and ld.so.conf itself.
# Only when that finds no cuBLAS/cuSOLVER does the script look over the whole machine and name the folders
# (DIFFQP_CUDA_LIB), so that the backend's own search is what gets tested first.
"$java" -jar "$kit/diffqp.jar" info > "$out/info-own-search.txt" 2>&1
if [ -z "${DIFFQP_CUDA_LIB:-}" ] && grep -Eq 'cuda .*usable no .*(cuBLAS|cuSOLVER|cuSOLVERMg) not found' "$out/info-own-search.txt"; then
    note "the backend's own search found no CUDA libraries: $(grep -E '^\s+cuda ' "$out/info-own-search.txt")"
    dirs="$(timeout 120 find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path "$root" \) -prune -o \
        \( -name 'libcublas.so.1[23]' -o -name 'libcusolver.so.1[12]' -o -name 'libcusolverMg.so.1[12]' \) \
        -print 2>/dev/null | grep -v /stubs/ | xargs -r -n1 dirname | sort -u | paste -sd: -)"
    if [ -n "$dirs" ]; then
        export DIFFQP_CUDA_LIB="$dirs"
    fi
fi
note "DIFFQP_CUDA_LIB: ${DIFFQP_CUDA_LIB:-(unset)}"
note ""

"$java" -jar "$kit/diffqp.jar" info > "$out/info.txt" 2>&1
info_rc=$?
note '## diffqp info'
note '```'
cat "$out/info.txt" | tee -a "$summary"
note '```'
cuda_usable=no
grep -Eq '^\s+cuda\s+priority [0-9]+\s+usable yes' "$out/info.txt" && cuda_usable=yes

note ""
note "## tests (io.github.diffqp.cuda, all tags)"
"$java" -Dbasedir="$root/native-kernels" -jar "$kit/junit-platform-console-standalone.jar" execute \
    --disable-banner --disable-ansi-colors --details=tree \
    --class-path "$kit/diffqp.jar:$kit/test-classes" \
    --select-package io.github.diffqp.cuda \
    --reports-dir "$out/junit" > "$out/tests.txt" 2>&1
tests_rc=$?
note '```'
grep -E '^\[ *[0-9]+ (tests|containers) (found|successful|failed|aborted|skipped)' "$out/tests.txt" | tee -a "$summary"
note '```'
gpu_skipped="$(grep -c 'no usable CUDA backend here' "$out/tests.txt" || true)"
note "GPU tests skipped for want of CUDA: $gpu_skipped"
if [ "$tests_rc" -ne 0 ]; then
    note ""
    note "failures:"
    note '```'
    grep -E '✘|MethodSource|=> ' "$out/tests.txt" | head -60 | tee -a "$summary"
    note '```'
fi

note ""
note "## timing"
# shellcheck disable=SC2086
"$java" -cp "$kit/diffqp.jar:$kit/test-classes" io.github.diffqp.cuda.GpuTiming ${TIMING_ARGS:-128 100 100 0 5} \
    "$out/gpu-timing.md" > "$out/timing.log" 2>&1
timing_rc=$?
if [ -f "$out/gpu-timing.md" ]; then
    cat "$out/gpu-timing.md" >> "$summary"
    cat "$out/gpu-timing.md"
else
    note "timing failed ($timing_rc):"
    tail -20 "$out/timing.log" | tee -a "$summary"
fi

note ""
note "exit codes: info $info_rc, tests $tests_rc, timing $timing_rc; cuda usable: $cuda_usable"
if [ "$tests_rc" -ne 0 ] || [ "$timing_rc" -ne 0 ] || [ "$cuda_usable" != yes ] || [ "$gpu_skipped" != 0 ]; then
    exit 1
fi
exit 0
