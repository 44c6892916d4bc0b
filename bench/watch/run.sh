#!/usr/bin/env bash
# Measures slant's file watcher (src/watch/; results in docs/watching.md):
#  1. the gaps between the file events of one user-level operation, which the debounce window
#     must cover: an editor's save (an emulated "safe save", and real vim when installed), a
#     `git checkout` between two commits that differ in 2,000 files, a `cp -r` of 2,000 files;
#  2. setup time and memory, write-to-batch latency (p50/p95) for several debounce windows, over
#     a tree of 10,000 files and one of 200,000 files, and the same 10,000 files next to an
#     ignored node_modules/ of 200,000 files;
#  3. the CPU an idle watch of the 200,000 files uses over a minute.
#
# Usage: bash bench/watch/run.sh
#
# Environment:
#   BUILD_DIR     Release build tree (default: build-watch/release)
#   WORK          where the trees are made (default: /tmp/slant-watch-bench); kept between runs
#                 (a tree is rebuilt only when its shape changes) unless CLEAN=1
#   WINDOWS       debounce windows to measure latency with, in ms (default: "50 200")
#   ITERATIONS    writes per window (default: 40)
#   IDLE_SECONDS  length of the idle measurement (default: 60)
#   RUNS          repetitions of each gap scenario (default: 20 for saves, 10 for the others)
#   PARTS         which parts to run (default: "gaps latency")
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-watch/release}
[[ $build = /* ]] || build=$root/$build
work=${WORK:-/tmp/slant-watch-bench}
windows=${WINDOWS:-50 200}
iterations=${ITERATIONS:-40}
idle=${IDLE_SECONDS:-60}
save_runs=${RUNS:-20}
runs=${RUNS:-10}
parts=${PARTS:-gaps latency}

for tool in cmake ninja git cp; do
  command -v "$tool" >/dev/null || { echo "bench-watch: $tool not found" >&2; exit 2; }
done
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" -j1 watch_bench watch_gaps >/dev/null
bench=$build/bench/watch_bench
gaps=$build/bench/watch_gaps
mkdir -p "$work"

echo "## machine"
echo "cpus: $(nproc)"
uname -sr
for k in max_user_watches max_user_instances max_queued_events; do
  echo "fs.inotify.$k: $(cat /proc/sys/fs/inotify/$k)"
done
df -h "$work" | tail -1

# 200,000 files in 20,000 directories need 20,000 watches (directories cost watches, files do
# not); keep 5,000 for everything else this user runs.
limit=$(cat /proc/sys/fs/inotify/max_user_watches)
big_dirs=20000
if (( limit < big_dirs + 5000 )); then
  big_dirs=$(( limit > 10000 ? limit - 5000 : limit / 2 ))
  echo "note: fs.inotify.max_user_watches is $limit: the 200,000-file tree gets $big_dirs directories"
fi

if [[ " $parts " = *" gaps "* ]]; then
echo
echo "## 1. event gaps"
g=$work/gaps
rm -rf "$g"
mkdir -p "$g/edit" "$g/cp"
printf 'package main\n\nfunc main() {}\n' > "$g/edit/main.go"
"$gaps" --dir "$g/edit" --runs "$save_runs" --save "$g/edit/main.go" --label safe_save
if command -v vim >/dev/null; then
  # A real vim with its defaults: swap file, 'writebackup', fsync.
  "$gaps" --dir "$g/edit" --runs "$save_runs" --label vim_save \
    --cmd "vim -es -u DEFAULTS -i NONE -c 'normal! Goedit {run}' -c 'wq' '$g/edit/main.go' </dev/null"
else
  echo "vim not installed: skipping the real vim save"
fi

# Two commits that differ in 2,000 files (all modified, plus 50 added and 50 deleted) in 100
# directories.
repo=$g/repo
mkdir -p "$repo"
git -C "$repo" init -q
for d in $(seq 0 99); do
  mkdir -p "$repo/pkg$d"
  for f in $(seq 0 19); do printf 'package pkg%d\n// file %d\n' "$d" "$f" > "$repo/pkg$d/f$f.go"; done
done
for f in $(seq 0 49); do printf 'old %d\n' "$f" > "$repo/pkg$((f % 100))/old$f.txt"; done
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@example.com commit -q -m one
git -C "$repo" tag c1
for d in $(seq 0 99); do
  for f in $(seq 0 19); do printf '// changed\n' >> "$repo/pkg$d/f$f.go"; done
done
git -C "$repo" rm -q "$repo"/pkg*/old*.txt
for f in $(seq 0 49); do printf 'new %d\n' "$f" > "$repo/pkg$((f % 100))/new$f.txt"; done
git -C "$repo" add -A
git -C "$repo" -c user.name=bench -c user.email=bench@example.com commit -q -m two
git -C "$repo" tag c2
echo "git: $(git -C "$repo" diff --name-only c1 c2 | wc -l) files differ between c1 and c2"
"$gaps" --dir "$repo" --runs "$runs" --label git_checkout \
  --cmd "git -C '$repo' checkout -q c1" --cmd "git -C '$repo' checkout -q c2"

# cp -r of 2,000 files in 100 directories into the watched directory.
src=$g/cp-source
for d in $(seq 0 99); do
  mkdir -p "$src/d$d"
  for f in $(seq 0 19); do printf 'file %d %d\n' "$d" "$f" > "$src/d$d/f$f.txt"; done
done
"$gaps" --dir "$g/cp" --runs "$runs" --label cp_r --cmd "cp -r '$src' '$g/cp/copy{run}'"
rm -rf "$g"
fi

if [[ " $parts " = *" latency "* ]]; then
echo
echo "## 2. setup and write-to-batch latency"
window_args=()
for w in $windows; do window_args+=(--debounce-ms "$w"); done
echo "### 10,000 files in 1,000 directories"
"$bench" --tree "$work/tree-10k" --files 10000 --dirs 1000 "${window_args[@]}" \
  --iterations "$iterations"
echo "### 10,000 files in 1,000 directories, next to an ignored node_modules/ of 200,000 files"
"$bench" --tree "$work/tree-10k-node-modules" --files 10000 --dirs 1000 --ignored-files 200000 \
  "${window_args[@]}" --iterations "$iterations"
echo "### 200,000 files in $big_dirs directories (then idle for ${idle}s)"
"$bench" --tree "$work/tree-200k" --files 200000 --dirs "$big_dirs" "${window_args[@]}" \
  --iterations "$iterations" --idle-seconds "$idle"
fi

if [[ ${CLEAN:-0} = 1 ]]; then rm -rf "$work"; fi
