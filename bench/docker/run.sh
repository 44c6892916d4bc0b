#!/usr/bin/env bash
# Measures slant's Docker backends (src/docker/) against the real engine:
#  1. a rebuild after a one-file edit of the same context (2,000 files, 40 MB, FROM scratch +
#     busybox, COPY . /app, RUN) through slant's builder and through `docker build` (the classic
#     builder, as slant uses), interleaved, RUNS each: both medians and slant's overhead;
#  2. slant's peak RSS (/usr/bin/time -v) while building a context next to a 1 GB ignored
#     node_modules/ (1,024 files of 1 MB);
#  3. live update: one changed file copied into a running container, from the copy() call to its
#     done callback, COPIES times: p50, p90, min, max.
#
# Usage: bash bench/docker/run.sh
#
# Environment:
#   BUILD_DIR  Release build tree (default: build-docker-rel; configured and built when missing)
#   WORK       where the contexts are made (default: /tmp/slant-docker-bench; removed at the end)
#   RUNS       builds per tool (default: 10)
#   COPIES     live-update copies (default: 50)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$root/build-docker-rel}
[[ $build = /* ]] || build=$root/$build
work=${WORK:-/tmp/slant-docker-bench}
runs=${RUNS:-10}
copies=${COPIES:-50}
tag=slant-bench-$$
container=""

cleanup() {
  [[ -n $container ]] && docker rm -f "$container" >/dev/null 2>&1 || true
  docker image ls --format '{{.Repository}}:{{.Tag}}' | grep "^$tag-" | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash "$root/scripts/docker.sh" start >/dev/null
if [[ ! -x $build/bench/docker_bench ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  nice ninja -C "$build" docker_bench >/dev/null
fi
bench=$build/bench/docker_bench

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
percentile() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((NR-1)*p/100)+1; print a[i]}'; }
now_ns() { date +%s%N; }

# --- the context -------------------------------------------------------------------------------
rm -rf "$work"
mkdir -p "$work/ctx/src"
cp "$(command -v busybox)" "$work/ctx/busybox"
cat >"$work/ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY . /app
RUN wc -c /app/version.txt
EOF
for d in $(seq 0 19); do
  mkdir -p "$work/ctx/src/d$d"
  for f in $(seq 0 99); do
    head -c 20000 /dev/urandom >"$work/ctx/src/d$d/f$f.bin"
  done
done
echo ".git" >"$work/ctx/.dockerignore"

# --- 1. rebuild after an edit: slant vs docker build ----------------------------------------------
echo "== rebuild after a one-file edit: 2,000 files, 40 MB context, $runs runs each"
# Warm both (the busybox layers are cached for both from here on).
echo warm >"$work/ctx/version.txt"
"$bench" build "$work/ctx" "$tag-slant" >/dev/null
DOCKER_BUILDKIT=0 docker build -q -t "$tag-cli" "$work/ctx" >/dev/null 2>&1
slant_ms=() cli_ms=()
for i in $(seq 1 "$runs"); do
  echo "slant $i $RANDOM" >"$work/ctx/version.txt"
  line=$("$bench" build "$work/ctx" "$tag-slant")
  slant_ms+=("$(awk '{print $2}' <<<"$line")")
  echo "cli $i $RANDOM" >"$work/ctx/version.txt"
  start=$(now_ns)
  DOCKER_BUILDKIT=0 docker build -q -t "$tag-cli" "$work/ctx" >/dev/null 2>&1
  cli_ms+=("$(( ($(now_ns) - start) / 1000000 ))")
done
slant_med=$(printf '%s\n' "${slant_ms[@]}" | median)
cli_med=$(printf '%s\n' "${cli_ms[@]}" | median)
echo "slant builder:  median ${slant_med} ms  (runs: ${slant_ms[*]})"
echo "docker build:   median ${cli_med} ms  (runs: ${cli_ms[*]})"
awk -v s="$slant_med" -v c="$cli_med" 'BEGIN {printf "overhead: %+.1f%%\n", (s - c) * 100 / c}'

# --- 2. peak RSS with a 1 GB ignored directory ---------------------------------------------------
echo "== peak RSS of a build next to a 1 GB ignored node_modules/"
mkdir -p "$work/ctx/node_modules"
for i in $(seq 0 1023); do fallocate -l 1M "$work/ctx/node_modules/m$i.bin" 2>/dev/null ||
  head -c 1048576 /dev/zero >"$work/ctx/node_modules/m$i.bin"; done
printf '.git\nnode_modules\n' >"$work/ctx/.dockerignore"
echo "rss $RANDOM" >"$work/ctx/version.txt"
du -sh "$work/ctx/node_modules" | awk '{print "node_modules: " $1}'
/usr/bin/time -v "$bench" build "$work/ctx" "$tag-slant" 2>"$work/time.txt" | sed 's/^/  /'
grep -E "Maximum resident set size|Elapsed" "$work/time.txt" | sed 's/^\s*/  /'
rm -rf "$work/ctx/node_modules"

# --- 3. live update: one file into a running container ------------------------------------------
echo "== live update of one changed file into a running container, $copies copies"
printf 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCMD ["sleep", "3600"]\n' \
  >"$work/ctx/Dockerfile.run"
DOCKER_BUILDKIT=0 docker build -q -f "$work/ctx/Dockerfile.run" -t "$tag-run" "$work/ctx" >/dev/null 2>&1
container=$(docker run -d "$tag-run")
mkdir -p "$work/live"
"$bench" copy "$container" "$work/live/app.js" /app/app.js "$copies" >"$work/copies.txt"
docker exec "$container" cat /app/app.js | sed 's/^/  in the container: /'
awk '{print $2}' "$work/copies.txt" >"$work/copy_ms.txt"
echo "copy p50 $(percentile 50 <"$work/copy_ms.txt") ms, p90 $(percentile 90 <"$work/copy_ms.txt") ms," \
  "min $(sort -n "$work/copy_ms.txt" | head -1) ms, max $(sort -n "$work/copy_ms.txt" | tail -1) ms"
