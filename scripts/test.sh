#!/usr/bin/env bash
# Installs what is missing, builds the Debug configuration (AddressSanitizer + UBSan) and runs
# every test with ctest. Ends with ctest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh debug
# The Kubernetes test cluster's components (scripts/k8s-cluster.sh, issue 7): built once from the
# Go module proxy into ~/.cache/slant/k8s (docs/k8s-cluster.md has the measured times).
bash scripts/k8s-cluster.sh build >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/debug --output-on-failure -j"$(nproc)" --timeout 600
