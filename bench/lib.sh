# Shared by the shell benchmarks (bench/*/run.sh), which source it.

# best_ms CMD...: the best wall time in ms of RUNS (default 3) runs of CMD, its output discarded.
# Exit statuses up to 4 are results, not failures (1: changes found, 3: --fail-on, 4: bad records).
best_ms() {
  local best= i start ms
  for ((i = 0; i < ${RUNS:-3}; i++)); do
    start=$(date +%s%N)
    "$@" > /dev/null 2>&1 || [[ $? -le 4 ]]
    ms=$((($(date +%s%N) - start) / 1000000))
    [[ -z $best || $ms -lt $best ]] && best=$ms
  done
  echo "$best"
}

# reference_records BUILD_DIR WORK_DIR [FILE]: prints FILE when it is given and exists, else the
# path of 1 M reference records generated into WORK_DIR (by BUILD_DIR's gen_records).
reference_records() {
  local build=$1 work=$2 file=${3:-}
  if [[ -n $file && -f $file ]]; then
    echo "$file"
    return
  fi
  file=${file:-$work/records.jsonl}
  "$build/bench/gen_records" --n 1000000 --out "$file" > /dev/null
  echo "$file"
}
