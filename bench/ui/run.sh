#!/usr/bin/env bash
# The web UI's load test (bench/ui/load.js): 500 resources and 10,000 log lines a second for a
# minute on the overview and a minute on the log of every resource, in headless Chromium.
# Prints the frame times, the click-to-status latency of a trigger and the line rate.
#
# Usage: bench/ui/run.sh [PATH_TO_SLANT]   (default: build-release/slant, else build/slant)
# Env: DURATION (seconds per phase, 60), RATE (lines a second, 10000).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
slant="${1:-}"
if [[ -z "$slant" ]]; then
  for candidate in "$root/build-release/slant" "$root/build/slant"; do
    [[ -x "$candidate" ]] && slant="$candidate" && break
  done
fi
if [[ -z "$slant" || ! -x "$slant" ]]; then
  echo "bench/ui/run.sh: no slant binary: pass its path (a Release build measures the UI, not the sanitizers)" >&2
  exit 2
fi
echo "slant: $slant"
exec node "$root/bench/ui/load.js" "$slant"
