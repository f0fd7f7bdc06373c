#!/usr/bin/env bash
# Times `licit check` on the shared reference policies (small.licit, large.licit), written by
# /work/shared/bench/gen-licit.mjs. Optional: skipped with a note when node or the generator is
# missing, so `make bench` works on a machine without Node.
#
#   bench/run_reference.sh [LICIT] [GENERATOR_DIR]
set -u
licit=${1:-build/bench/licit}
gen_dir=${2:-/work/shared/bench}
if ! command -v node > /dev/null || [[ ! -f $gen_dir/gen-licit.mjs ]]; then
  echo "reference policies: skipped (needs node and $gen_dir/gen-licit.mjs)"
  exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
(cd "$gen_dir" && node gen-licit.mjs --out "$out" > /dev/null) || { echo "gen-licit.mjs failed"; exit 1; }
echo
echo "| reference policy | size | licit check | exit | diagnostics |"
echo "|---|---:|---:|---:|---|"
status=0
for name in small large; do
  file=$out/$name.licit
  start=$(date +%s%N)
  "$licit" check --color=never "$file" > "$out/$name.stdout" 2> "$out/$name.stderr"
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  summary=$(tail -n 1 "$out/$name.stderr")
  echo "| $name.licit | $(wc -c < "$file") B | $ms ms | $rc | ${summary:-none} |"
  ((rc == 0)) || status=1
done
for name in small large; do
  if [[ -s $out/$name.stderr ]]; then
    echo
    echo "$name.licit diagnostics (first 20 lines):"
    head -n 20 "$out/$name.stderr"
  fi
done
exit $status
