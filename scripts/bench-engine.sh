#!/usr/bin/env bash
# Measures the engine with the real slant binary (Release build): startup with 500 local
# resources, idle CPU and memory with 10,000 and 200,000 watched files, and write-to-command-start
# latency over the same trees. Prints a Markdown table (also written to bench/out/engine.md).
#
# Usage: bash scripts/bench-engine.sh [startup|idle|edit ...]
# Environment: IDLE_SECONDS (default 60), RUNS (edits per tree, default 20), FILES ("10000 200000")
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh release >/dev/null
files_args=()
for n in ${FILES:-10000 200000}; do files_args+=(--files "$n"); done
mkdir -p bench/out
python3 bench/engine/bench_engine.py build/release/slant "$@" "${files_args[@]}" \
  --runs "${RUNS:-20}" --idle-seconds "${IDLE_SECONDS:-60}" | tee bench/out/engine.md
