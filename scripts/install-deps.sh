#!/usr/bin/env bash
# Installs the Debian 12 packages Licit needs to build and test. Checks each package first so a
# machine that already has everything stays quiet and never needs root or the network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache
  antlr4 libantlr4-runtime-dev default-jre-headless  # the ANTLR tool is a Java program
  libfmt-dev catch2 libsimdjson-dev llvm-19-dev iso-codes
  libzstd-dev  # LLVM's static libraries need it (the licit executable links them: engines/)
  libedit-dev  # line editing for `licit repl` (BSD licence)
  libmd-dev  # SHA-256 for Policy::digest (libedit's libbsd loads libmd anyway)
  clang libclang-rt-14-dev  # libFuzzer and sanitizer runtimes for the fuzz preset
  pkg-config
  clang-format-19  # make lint (.clang-format uses keys clang-format 14 lacks)
  tmux  # the REPL's pseudo-terminal test (tests/golden/repl/pty_test.sh)
  libcpp-httplib-dev libssl-dev nlohmann-json3-dev  # `licit serve` (server/): HTTP, TLS, JSON
  libicu-dev  # Unicode normalisation for party screening (screening/)
  libz3-dev  # the SMT solver behind `licit analyze` and `licit diff` (analysis/)
  python3 python3-pytest  # the server's integration tests and the service example
  wrk  # the server's load benchmark (bench/server)
  python3-dev pybind11-dev  # the Python package (python/, docs/python.md)
  python3-pandas python3-dask python3-distributed  # licit.pandas and licit.dask
  chromium python3-websocket  # headless browser tests of the HTML report and the playground (tests/browser)
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and not root, and sudo is unavailable;" >&2
  echo "install-deps: run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
