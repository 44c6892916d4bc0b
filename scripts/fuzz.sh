#!/usr/bin/env bash
# Fuzzes one target with libFuzzer (clang-19), growing its corpus in place.
# Usage: scripts/fuzz.sh parse|exec [SECONDS]   (default 60 s)
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/fuzz.sh parse|exec [SECONDS]}
seconds=${2:-60}
bash scripts/setup.sh
CC=clang-19 CXX=clang++-19 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSLANT_SANITIZE=ON -DSLANT_FUZZ=ON >/dev/null
ninja -C build/fuzz "fuzz_$name"
mkdir -p "build/fuzz/new-$name"
# New inputs go to a scratch directory; merge the interesting ones into the checked-in corpus by
# hand (-merge=1) so it stays small.
"build/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  "build/fuzz/new-$name" "tests/fuzz/corpus/$name"
