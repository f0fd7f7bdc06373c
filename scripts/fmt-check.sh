#!/usr/bin/env bash
# `make fmt-check` (run by .ci/run) and `make fmt`: the repository's policy files in the layout of
# `licit fmt` (docs/cli.md). Checks them (exit 1, listing those that are not) or, with --write,
# rewrites them. Exempt, because their exact text is what they test: the parser's layout inputs
# (tests/golden/parse/), the diagnostics goldens (tests/golden/check/: carets, tabs, wide
# characters), the formatter's own inputs (tests/golden/cli/fixtures/fmt/), the CLI fixtures
# shown with carets (tab_and_utf8, errors, syntax_error, warning), and the eval goldens'
# descriptor files (policy_*.licit: only a `golden-args` comment, no policy).
#
#   scripts/fmt-check.sh [--write] [LICIT]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=--check
if [[ "${1:-}" == --write ]]; then mode=-w; shift; fi
licit=${1:-build/dev/licit}
[[ -x "$licit" ]] || { echo "fmt-check: $licit not built (make build)"; exit 1; }
mapfile -t files < <(git ls-files '*.licit' | grep -v -E '^tests/golden/(parse|check)/' |
  grep -v -E '^tests/golden/cli/fixtures/(fmt/|tab_and_utf8|errors|syntax_error|warning)' |
  grep -v -E '^tests/golden/eval/policy_[a-z_]+\.licit$')
if [[ $mode == --check ]]; then
  if ! "$licit" fmt --check "${files[@]}"; then
    echo "fmt-check: the files above are not formatted: run \`make fmt\` (scripts/fmt-check.sh --write)"
    exit 1
  fi
  echo "fmt-check: ${#files[@]} policy files formatted as \`licit fmt\` lays them out"
else
  "$licit" fmt -w "${files[@]}"
fi
