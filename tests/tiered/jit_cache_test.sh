#!/usr/bin/env bash
# The JIT's code cache through `licit run` (docs/cli.md, "Environment"): LICIT_JIT_CACHE=DIR makes
# the directory (mode 0700, with its parents) and stores one entry per compiled policy; the next
# run loads it and writes byte-identical decisions; a damaged entry is compiled again; a directory
# others may write to is not used (and the run still decides). Unset, the command line keeps it in
# $XDG_CACHE_HOME/licit/jit or ~/.cache/licit/jit; `off` (or empty) keeps none.
#
#   jit_cache_test.sh LICIT SOURCE_DIR
set -euo pipefail
licit=$1
src=$2
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
policy=$src/examples/cn-japan-2026.licit
records=$src/examples/shipments.jsonl
fail() { echo "FAIL: $*" >&2; exit 1; }
run() {  # run ENGINE OUT [env...]: the sample shipments (bad lines included: exit 4)
  local engine=$1 out=$2
  shift 2
  env "$@" "$licit" run --engine "$engine" "$policy" --records "$records" --summary none \
    > "$out" || test $? -eq 4
}

run interp "$work/interp.jsonl"
cache=$work/cache/licit/jit  # parents missing: made
run jit "$work/first.jsonl" LICIT_JIT_CACHE="$cache"
[[ -d $cache ]] || fail "the cache directory was not made"
[[ $(stat -c %a "$cache") == 700 ]] || fail "the cache directory is not 0700"
# Two entries: the fast path's module and the full path's conditions' (--engine jit compiles both).
entries=("$cache"/*.o)
[[ ${#entries[@]} -eq 2 && -f ${entries[0]} ]] || fail "expected two entries, found ${entries[*]}"
[[ $(stat -c %a "${entries[0]}") == 600 ]] || fail "the entry is not 0600"
before=$(stat -c %Y.%s "${entries[@]}")
sleep 1
run jit "$work/second.jsonl" LICIT_JIT_CACHE="$cache"
cmp "$work/interp.jsonl" "$work/first.jsonl" || fail "decisions differ (compiled)"
cmp "$work/interp.jsonl" "$work/second.jsonl" || fail "decisions differ (loaded)"
# A load marks the entry used (its time), it does not rewrite it (its size stays).
[[ $(stat -c %Y.%s "${entries[@]}") != "$before" ]] || fail "the entries were not loaded"

# Damaged: compiled again, stored again, the same decisions.
for entry in "${entries[@]}"; do
  printf 'XXXXXXXX' | dd of="$entry" bs=1 seek=64 conv=notrunc status=none
done
run jit "$work/third.jsonl" LICIT_JIT_CACHE="$cache"
cmp "$work/interp.jsonl" "$work/third.jsonl" || fail "decisions differ (after damage)"
run jit "$work/fourth.jsonl" LICIT_JIT_CACHE="$cache"
cmp "$work/interp.jsonl" "$work/fourth.jsonl" || fail "decisions differ (stored again)"

# Writable by others: not used, nothing stored, the run as usual.
open=$work/open
mkdir -m 777 "$open"
chmod 777 "$open"
run jit "$work/fifth.jsonl" LICIT_JIT_CACHE="$open"
cmp "$work/interp.jsonl" "$work/fifth.jsonl" || fail "decisions differ (unusable cache)"
[[ -z $(ls -A "$open") ]] || fail "a directory others may write to was used"
# The command line's default: ~/.cache/licit/jit, or $XDG_CACHE_HOME/licit/jit; off when asked.
home=$work/home
mkdir -m 700 "$home"
run jit "$work/home.jsonl" -u LICIT_JIT_CACHE -u XDG_CACHE_HOME HOME="$home"
cmp "$work/interp.jsonl" "$work/home.jsonl" || fail "decisions differ (default cache)"
entries=("$home"/.cache/licit/jit/*.o)
[[ ${#entries[@]} -eq 2 && -f ${entries[0]} ]] || fail "the default cache holds ${entries[*]}"
[[ $(stat -c %a "$home/.cache") == 700 ]] || fail "~/.cache was made other than 0700"
run jit "$work/xdg.jsonl" -u LICIT_JIT_CACHE XDG_CACHE_HOME="$work/xdg" HOME="$home"
entries=("$work"/xdg/licit/jit/*.o)
[[ ${#entries[@]} -eq 2 && -f ${entries[0]} ]] || fail "the XDG cache holds ${entries[*]}"
for off in off ""; do
  rm -rf "$home/.cache"
  run jit "$work/off.jsonl" -u XDG_CACHE_HOME LICIT_JIT_CACHE="$off" HOME="$home"
  cmp "$work/interp.jsonl" "$work/off.jsonl" || fail "decisions differ (cache off)"
  [[ ! -e $home/.cache ]] || fail "LICIT_JIT_CACHE='$off' still made a cache"
done
echo "jit cache: ok"
