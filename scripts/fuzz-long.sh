#!/usr/bin/env bash
# A long libFuzzer run of one target (`make fuzz-long TARGET=<name> SECONDS=<n>`, docs/testing.md,
# "Fuzzing"): configures the `fuzz` preset if needed, builds only that target, runs it for the
# given seconds with the options the target needs, and prints a summary: executions, exec/s,
# coverage, corpus size, findings. Exit status 1 when the run found something (an artifact file
# written, or libFuzzer stopped on an error), 2 on a usage error.
#
#   scripts/fuzz-long.sh TARGET [SECONDS]
#
# The corpus grows across runs in build/fuzz/<target>-corpus; findings go to
# build/fuzz/<target>-artifacts/; libFuzzer's output goes to build/fuzz/<target>-<time>.log
# (VERBOSE=1 also shows it). A run is one process on one core: on a 2-core machine, run at most
# two at once, niced (`nice -n 10 make fuzz-long ...`) if you also build. JOBS (default 2) bounds
# the build. The summary's CPU time is the fuzzer's own, the figure to quote for a long run.
# Never stop a run with SIGSTOP: libFuzzer's per-input timeout is wall-clock, so a paused input
# is reported as a timeout (TIMEOUT=<s> raises the per-input limit when the machine is shared).
#
# The whole script is one function, called on the last line: bash reads a script as it runs it,
# so without this an edit to this file during an hour-long run would be executed half-read when
# the fuzzer returns (it once truncated a run's log that way). The call and its `exit` share the
# last line, so nothing after it is read from a file that changed meanwhile.
set -euo pipefail

main() {

usage() {
  echo "usage: scripts/fuzz-long.sh TARGET [SECONDS]" >&2
  echo "targets: fuzz_front_end fuzz_engines fuzz_jsonl_reader fuzz_csv_reader fuzz_server_request fuzz_lsp fuzz_screening" >&2
  exit 2
}

target=${1:-}
seconds=${2:-600}
[[ -n "$target" ]] || usage
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || usage

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build/fuzz
cd "$root"

# Per target: the longest input, the per-input time limit (s), the memory limit (MB), the
# dictionary, and the seed files (globs, relative to the root; ** matches any depth). Seeds are
# copied into a directory of their own each run, so libFuzzer reads only inputs (not the golden
# .out files or READMEs next to them) and never writes into the source tree.
dict="" asan_options="" extra_args=()
case "$target" in
  fuzz_front_end)
    max_len=4096 timeout=10 rss=2048 dict=tests/fuzz/licit.dict
    seeds=("tests/golden/parse/*.licit" "tests/golden/check/*.licit" "tests/fuzz/corpus-regressions/*-*")
    ;;
  fuzz_engines)
    # Every input compiles a policy with LLVM and decides hundreds of records: slow inputs are
    # normal, and ASan's allocation fill and large quarantine cost it a third of its speed
    # (tests/fuzz/README.md, "Speed"). Loading its seeds alone takes minutes.
    # libFuzzer grows its input length limit only after many inputs without new coverage; at a
    # few inputs per second it never got past 8 bytes (small policies) in an hour, so the limit
    # starts at max_len.
    max_len=512 timeout=60 rss=4096 asan_options=max_malloc_fill_size=0:quarantine_size_mb=16
    extra_args=(-len_control=0)
    seeds=("tests/fuzz/engines-regressions/*")
    ;;
  fuzz_jsonl_reader)
    max_len=4096 timeout=10 rss=2048 dict=tests/fuzz/jsonl.dict
    seeds=("tests/fuzz/reader-seeds/*.jsonl" "tests/fuzz/reader-regressions/*.jsonl"
           "examples/**/*.jsonl" "tests/golden/**/*.jsonl")
    ;;
  fuzz_csv_reader)
    max_len=4096 timeout=10 rss=2048 dict=tests/fuzz/csv.dict
    seeds=("tests/fuzz/reader-seeds/*.csv" "tests/fuzz/reader-regressions/*.csv"
           "examples/**/*.csv" "tests/golden/**/*.csv")
    ;;
  fuzz_server_request)
    # One HTTP request per input, answered in process by `licit serve`'s Service; the JSON Lines
    # dictionary's keys and punctuation suit the bodies.
    max_len=8192 timeout=10 rss=2048 dict=tests/fuzz/jsonl.dict
    seeds=("tests/fuzz/server-seeds/*" "tests/fuzz/server-regressions/*-*")
    ;;
  fuzz_lsp)
    # One conversation with the language server per input (message bodies separated by NUL;
    # tests/fuzz/README.md). A definition into the standard library writes a read-only copy
    # under XDG_CACHE_HOME: kept in the build tree.
    max_len=8192 timeout=20 rss=2048 dict=tests/fuzz/lsp.dict
    seeds=("tests/fuzz/lsp-seeds/*" "tests/fuzz/lsp-regressions/*-*")
    export XDG_CACHE_HOME=$build/fuzz_lsp-cache
    ;;
  fuzz_screening)
    # A list file, a NUL, a cleared file, a NUL, party names (tests/fuzz/screening_entry.h).
    max_len=8192 timeout=10 rss=2048 dict=tests/fuzz/csv.dict
    seeds=("tests/fuzz/screening-seeds/*" "tests/fuzz/screening-regressions/*-*"
           "examples/**/lists/*.csv" "tests/golden/**/lists/*.csv"
           "tests/golden/cli/fixtures/screening/*.csv")
    ;;
  *) echo "fuzz-long: unknown target \`$target\`" >&2; usage ;;
esac

# TIMEOUT overrides the per-input limit: a niced run on a machine that is also building can be
# starved for more than the default (a front-end input that runs in 1 s was once reported as a
# 13 s timeout that way); a real hang still trips a larger limit.
timeout=${TIMEOUT:-$timeout}

if [[ ! -f "$build/build.ninja" ]]; then
  cmake --preset fuzz
fi
cmake --build "$build" --target "$target" -j "${JOBS:-2}"

corpus=$build/$target-corpus
artifacts=$build/$target-artifacts
seed_dir=$build/$target-seeds
mkdir -p "$corpus" "$artifacts"
rm -rf "$seed_dir"
mkdir -p "$seed_dir"
shopt -s nullglob globstar
n_seeds=0
for pattern in "${seeds[@]}"; do
  for f in $pattern; do
    [[ -f "$f" ]] || continue
    # Flattened names (examples/eu/shipments.jsonl -> examples_eu_shipments.jsonl) stay unique.
    cp "$f" "$seed_dir/${f//\//_}"
    n_seeds=$((n_seeds + 1))
  done
done
shopt -u nullglob globstar

findings_before=$(mktemp)
times_file=$(mktemp)
trap 'rm -f "$findings_before" "$times_file"' EXIT
ls -1 "$artifacts" | sort >"$findings_before"
corpus_before=$(find "$corpus" -type f | wc -l)

log=$build/$target-$(date +%Y%m%d-%H%M%S).log
args=(-max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" -rss_limit_mb="$rss"
      -artifact_prefix="$artifacts/" -print_final_stats=1)
[[ -n "$dict" ]] && args+=(-dict="$root/$dict")
args+=("${extra_args[@]}")
echo "fuzz-long: $target for $seconds s, $n_seeds seeds, corpus $corpus ($corpus_before inputs)"
echo "fuzz-long: log $log"

# The suppression is for a leak inside the ANTLR runtime (tests/fuzz/lsan.supp says where): every
# target compiles Licit source at some point. `timeout` is a backstop in case libFuzzer itself
# stops responding; -timeout bounds each input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-$asan_options}
status=0
started=$(date +%s)
# CPU seconds of finished children (user + system), from bash's `times`; the difference across the
# run is the fuzzer's own CPU time, which is what "an hour of fuzzing" means on a shared machine
# where a niced run may get less than a whole core.
# `times` must run in this shell, not in a subshell (a pipe or `$(...)`), whose children are not
# the fuzzer: it writes to a file and sets children_cpu_s.
children_cpu() {
  times >"$times_file"
  children_cpu_s=$(tail -1 "$times_file" | awk '{ s = 0
    for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); s += p[1] * 60 + p[2] }
    printf "%.0f", s }')
}
children_cpu
cpu_before=$children_cpu_s
if [[ "${VERBOSE:-0}" == 1 ]]; then
  LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0" \
    timeout --kill-after=30 $((seconds + 300)) "$build/$target" "${args[@]}" "$corpus" "$seed_dir" \
    2>&1 | tee "$log" || status=${PIPESTATUS[0]}
else
  LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp:print_suppressions=0" \
    timeout --kill-after=30 $((seconds + 300)) "$build/$target" "${args[@]}" "$corpus" "$seed_dir" \
    >"$log" 2>&1 || status=$?
fi
elapsed=$(($(date +%s) - started))
children_cpu
cpu_seconds=$((children_cpu_s - cpu_before))

# The summary, from libFuzzer's final statistics and its last status line.
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
executions=$(stat number_of_executed_units)
new_units=$(stat new_units_added)
peak_rss=$(stat peak_rss_mb)
# -a: the log may quote binary input bytes, which would make grep print "binary file matches".
last=$(grep -aE '^#[0-9]+' "$log" | grep -a 'cov:' | tail -1 || true)
field() { sed -n "s/.*$1: *\([^ ]*\).*/\1/p" <<<"$last"; }
[[ -n "$executions" ]] || executions=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$last")
[[ -n "$executions" ]] || executions=0
# libFuzzer's own figure is a whole number (0 for the slow engines fuzzer): one decimal instead.
exec_per_s=$(awk -v n="$executions" -v t="$elapsed" 'BEGIN { printf "%.1f", (t > 0 ? n / t : 0) }')
corpus_after=$(find "$corpus" -type f | wc -l)
corpus_kb=$(du -sk "$corpus" | cut -f1)
mapfile -t findings < <(ls -1 "$artifacts" | sort | comm -13 "$findings_before" -)

echo "--- fuzz-long summary: $target, $seconds s"
echo "executions  $executions in $elapsed s ($exec_per_s exec/s; seed loading included)"
echo "CPU time    $cpu_seconds s (user + system of the fuzzer process)"
if [[ "$target" == fuzz_engines ]]; then
  # fuzz_engines prints its coverage counts at exit: "records N: fast path ..." and "decisions
  # compared M" (five or six paths a record, tests/differential/differential.h, all compared).
  records=$(sed -n 's/^records \([0-9]*\):.*/\1/p' "$log" | tail -1)
  decisions=$(sed -n 's/^decisions compared \([0-9]*\)$/\1/p' "$log" | tail -1)
  if [[ -n "$records" && -n "$decisions" ]]; then
    awk -v r="$records" -v d="$decisions" -v c="$cpu_seconds" 'BEGIN {
      printf "compared    %d records, %d decisions, %.0f decisions per CPU second\n",
             r, d, (c > 0 ? d / c : 0) }'
  fi
fi
echo "coverage    cov: $(field cov)  ft: $(field ft)"
echo "corpus      $corpus_after inputs, $corpus_kb KB ($((corpus_after - corpus_before)) new; libFuzzer added ${new_units:-?} units)"
echo "peak RSS    ${peak_rss:-?} MB"
if [[ ${#findings[@]} -gt 0 || $status -ne 0 ]]; then
  echo "findings    ${#findings[@]} new artifact(s), libFuzzer exit status $status"
  for f in "${findings[@]}"; do echo "  $artifacts/$f"; done
  grep -a -m1 -E 'ERROR: |invariant broken|runtime error' "$log" | sed 's/^/  /' || true
  echo "next: reproduce, then minimise (with LSAN_OPTIONS=suppressions=$root/tests/fuzz/lsan.supp):"
  echo "  $build/$target FILE"
  echo "  $build/$target -minimize_crash=1 -max_total_time=60 -exact_artifact_path=MIN FILE"
  echo "then see docs/testing.md, \"Fuzzing\" (what to do with a finding); the log is $log"
  exit 1
fi
echo "findings    none"
}

main "$@"; exit
