#!/usr/bin/env bash
# Configures and builds slant. Usage: scripts/build.sh [release|debug]   (default: release)
# release -> build/release (optimised); debug -> build/debug (AddressSanitizer + UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
case "$kind" in
  release) type=Release ;;
  debug) type=Debug ;;
  *) echo "usage: scripts/build.sh [release|debug]" >&2; exit 2 ;;
esac
cmake -S . -B "build/$kind" -G Ninja -DCMAKE_BUILD_TYPE="$type" >/dev/null
ninja -C "build/$kind" -j"$(nproc)"
