#!/usr/bin/env bash
# Measures slant's Starlark interpreter side by side with go.starlark.net, the implementation Tilt
# embeds, and prints a Markdown table (also written to bench/out/).
#
# Usage: bash scripts/bench-starlark.sh
#
# Environment:
#   BUILD_DIR    slant's Release build tree (default: build-bench)
#   MINTIME      seconds each timed run must last at least (default: 1, as Go's -benchtime)
#   RSS_SECONDS  target length, in go.starlark.net time, of the fixed-n peak-memory runs
#                (default: 0.5)
#   ROUNDS       timed runs of each workload file per implementation, alternating between them;
#                each row keeps its fastest run (default: 3)
#
# What runs (see docs/performance.md):
#  - go.starlark.net's own starlark/testdata/benchmark.star, read in place from Debian's
#    golang-starlark-dev, and our workloads bench/starlark/*.star: every global function
#    bench_*(b) is timed by both runners (b.n iterations, n grown as Go's testing.B grows it);
#  - two whole programs, executed from source (parse, resolve, run) as one operation: the
#    Tiltfile-shaped bench/starlark/tiltfile.star and a generated 2,000-line file;
#  - parse+resolve alone of that 2,000-line file;
#  - peak memory (max RSS, /usr/bin/time -f %M) of one process per row, with the same fixed n
#    for both implementations.
# Both runners share one command line and output format: bench/starlark/starlark_bench.cc and
# bench/goref/main.go.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-$root/build-bench}
[[ $build = /* ]] || build=$root/$build
mintime=${MINTIME:-1}
rss_seconds=${RSS_SECONDS:-0.5}
rounds=${ROUNDS:-3}
outdir=$root/bench/out
go_testdata=/usr/share/gocode/src/go.starlark.net/starlark/testdata
time_cmd=/usr/bin/time

for tool in cmake ninja go python3 "$time_cmd"; do
  command -v "$tool" >/dev/null || { echo "bench-starlark: $tool not found (run scripts/setup.sh)" >&2; exit 2; }
done
[[ -f $go_testdata/benchmark.star ]] ||
  { echo "bench-starlark: $go_testdata missing (install golang-starlark-dev)" >&2; exit 2; }
mkdir -p "$outdir" "$build/goref" "$build/bench"
status=0

# ---- build ------------------------------------------------------------------------------------
echo "bench-starlark: building starlark_bench (Release) in $build" >&2
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
slant_bin=$build/bench/starlark_bench
if ! ninja -C "$build" -j"$(nproc)" starlark_bench >"$build/bench/build.log" 2>&1; then
  echo "bench-starlark: starlark_bench does not build; slant's columns stay empty" \
    "(see $build/bench/build.log)" >&2
  tail -n 20 "$build/bench/build.log" >&2
  slant_bin=
  status=1
fi

# The reference runner, built offline against Debian's Go sources: the go.mod's replace and
# exclude directives point at /usr/share/gocode/src; nothing is looked up or downloaded.
echo "bench-starlark: building bench/goref with $(go version)" >&2
go_bin=$build/goref/goref
(cd "$root/bench/goref" &&
  GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" \
    go build -o "$go_bin" .)

parse_input=$build/bench/parse2000.star
python3 "$root/bench/starlark/gen_parse_input.py" "$parse_input" 2000

# ---- measure ----------------------------------------------------------------------------------
# Rows: "label<TAB>mode<TAB>file<TAB>bench-name" (bench-name empty for run/parse).
results=$build/bench/results.tsv
: >"$results"
raw=$build/bench/raw
rm -rf "$raw"
mkdir -p "$raw"

# run_timed IMPL BIN MODE FILE TAG ROUND: times every operation of FILE; output in
# $raw/TAG.IMPL.ROUND.
run_timed() {
  local impl=$1 bin=$2 mode=$3 file=$4 tag=$5 round=$6
  local out=$raw/$tag.$impl.$round
  if [[ -z $bin ]]; then
    : >"$out"
    return
  fi
  "$bin" "$mode" "$file" -mintime "$mintime" >"$out" 2>"$out.err" || {
    echo "bench-starlark: $impl $mode $file failed:" >&2
    grep -h FAIL "$out" >&2 || tail -n 5 "$out.err" >&2
    status=1
  }
}

# best_of TAG IMPL: each operation's line from the round with the lowest wall ns/op, into
# $raw/TAG.IMPL. The machine's speed drifts (a shared VM: the same binary measured 450 and
# 780 µs/op minutes apart), and the fastest of a few alternating runs is the steadiest estimate.
best_of() {
  local tag=$1 impl=$2
  awk -F'\t' '$2 != "FAIL" && NF >= 4 {
      if (!($1 in best) || $3 + 0 < best[$1] + 0) { best[$1] = $3; line[$1] = $0 }
      if (!($1 in order)) { order[$1] = ++n; names[n] = $1 }
    }
    END { for (i = 1; i <= n; i++) print line[names[i]] }' \
    $(seq -f "$raw/$tag.$impl.%g" 1 "$rounds") >"$raw/$tag.$impl"
}

# max_rss BIN MODE FILE N [NAME]: peak RSS in KiB of one fixed-n run, or "-" on failure.
max_rss() {
  local bin=$1 mode=$2 file=$3 n=$4 name=${5:-}
  [[ -n $bin ]] || { echo -; return; }
  local only=()
  [[ -z $name ]] || only=(-only "$name")
  if "$time_cmd" -f %M -o "$raw/rss" "$bin" "$mode" "$file" -n "$n" "${only[@]}" \
    >/dev/null 2>&1; then
    tail -n 1 "$raw/rss"
  else
    echo -
  fi
}

# lookup FILE NAME: "n<TAB>wall ns/op<TAB>CPU ns/op" of NAME in a runner's output, or dashes.
lookup() {
  awk -F'\t' -v name="$2" '$1 == name && $2 != "FAIL" { print $2 "\t" $3 "\t" $4; found = 1 }
    END { if (!found) print "-\t-\t-" }' "$1"
}

# measure LABEL-PREFIX MODE FILE TAG: times FILE with both runners, then measures peak memory of
# each operation and appends the rows to $results.
measure() {
  local prefix=$1 mode=$2 file=$3 tag=$4
  echo "bench-starlark: $tag ($mode)" >&2
  local round
  for ((round = 1; round <= rounds; round++)); do
    run_timed go "$go_bin" "$mode" "$file" "$tag" "$round"
    run_timed slant "$slant_bin" "$mode" "$file" "$tag" "$round"
  done
  best_of "$tag" go
  best_of "$tag" slant
  local name go_n go_ns go_cpu slant_n slant_ns slant_cpu n label only
  while IFS=$'\t' read -r name _; do
    IFS=$'\t' read -r go_n go_ns go_cpu < <(lookup "$raw/$tag.go" "$name")
    IFS=$'\t' read -r slant_n slant_ns slant_cpu < <(lookup "$raw/$tag.slant" "$name")
    # The same n for both: about RSS_SECONDS of go.starlark.net's time.
    n=$(awk -v ns="$go_ns" -v s="$rss_seconds" 'BEGIN { n = int(s * 1e9 / ns); print n < 1 ? 1 : n }')
    only=
    [[ $mode != bench ]] || only=$name
    label="$prefix$name"
    [[ $mode = bench ]] || label=$prefix
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$slant_ns" "$go_ns" \
      "$(max_rss "$slant_bin" "$mode" "$file" "$n" "$only")" \
      "$(max_rss "$go_bin" "$mode" "$file" "$n" "$only")" "$n" "$slant_cpu" "$go_cpu" >>"$results"
  done < <(awk -F'\t' '$2 != "FAIL"' "$raw/$tag.go")
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
measure "benchmark.star " bench "$go_testdata/benchmark.star" benchmark
for w in calls loops collections tiltfile; do
  measure "$w.star " bench "$root/bench/starlark/$w.star" "$w"
done
measure "tiltfile.star, whole file" run "$root/bench/starlark/tiltfile.star" tiltfile-run
measure "generated 2,000 lines, whole file" run "$parse_input" gen-run
measure "generated 2,000 lines, parse+resolve" parse "$parse_input" gen-parse

# ---- report -----------------------------------------------------------------------------------
stamp=$(date -u +%Y%m%d-%H%M%S)
report=$outdir/starlark-$stamp.md
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
{
  echo "## Starlark interpreter: slant vs go.starlark.net"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) CPUs, $cpu, $mem RAM; load average before the run: $load_before"
  echo "- slant: Release build, $(c++ --version | head -n 1); go.starlark.net: Debian golang-starlark-dev $(dpkg-query -W -f='${Version}' golang-starlark-dev 2>/dev/null || echo '?'), $(go version | cut -d' ' -f3)"
  echo "- timing: each operation repeated until a run lasts at least ${mintime} s of wall time (n grown as Go's testing.B does), in ${rounds} rounds alternating between the implementations, keeping each one's fastest round; ns/op and speed-up are wall time; the last column compares CPU time (user+system of the whole process, so Go's concurrent garbage collector counts); peak memory: max RSS of one process running the operation n times, n the same for both (about ${rss_seconds} s of go.starlark.net's time)"
  echo "- load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  python3 - "$results" <<'EOF'
import math, sys

def ns(v):
    if v == "-":
        return "—"
    x = float(v)
    if x >= 1e6:
        return "%.2f ms" % (x / 1e6)
    if x >= 1e3:
        return "%.1f µs" % (x / 1e3)
    return "%.0f ns" % x

def mib(v):
    return "—" if v == "-" else "%.1f MiB" % (int(v) / 1024)

def ratio(go, slant, logs):
    if slant == "-" or go == "-" or float(slant) <= 0:
        return "—"
    r = float(go) / float(slant)
    logs.append(math.log(r))
    return "%.2f×" % r

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print("| workload | slant ns/op | go.starlark.net ns/op | speed-up | slant max RSS | Go max RSS | speed-up in CPU time |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
logs, cpu_logs = [], []
for label, slant, go, slant_rss, go_rss, n, slant_cpu, go_cpu in rows:
    print("| %s | %s | %s | %s | %s | %s | %s |" % (label, ns(slant), ns(go), ratio(go, slant, logs),
          mib(slant_rss), mib(go_rss), ratio(go_cpu, slant_cpu, cpu_logs)))
if logs:
    print()
    print("Geometric mean of the speed-ups over %d rows: %.2f× in wall time, %.2f× in CPU time." % (
        len(logs), math.exp(sum(logs) / len(logs)), math.exp(sum(cpu_logs) / max(len(cpu_logs), 1))))
missing = sum(1 for r in rows if r[1] == "-")
if missing:
    print()
    print("%d rows have no slant result (not built, or the run failed: see the log above)." % missing)
EOF
} >"$report"
cp "$report" "$outdir/starlark-latest.md"
cp "$results" "$outdir/starlark-$stamp.tsv"
cat "$report"
echo >&2
echo "bench-starlark: wrote $report" >&2
exit $status
