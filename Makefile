# The README's two commands on a fresh Debian 12 machine: `make run` and `make test`.
# Both install missing packages first (scripts/install-deps.sh is quiet when nothing is missing).

BUILD_DIR := build/dev
JOBS ?= 2

.PHONY: all deps configure build run test lint fmt fmt-check update-goldens clean

all: build

deps:
	@scripts/install-deps.sh

# Configure only once: Ninja re-runs CMake by itself when a CMakeLists.txt or a glob changes.
$(BUILD_DIR)/build.ninja:
	@$(MAKE) --no-print-directory deps
	cmake --preset dev

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build --preset dev

# Screens the sample shipments with the example policy. Three sample lines are deliberately bad,
# so licit exits 4 (input errors); that is the expected outcome here, not a failure of `make run`.
run: build
	./$(BUILD_DIR)/licit test examples/cn-japan-2026.licit
	./$(BUILD_DIR)/licit run examples/cn-japan-2026.licit --records examples/shipments.jsonl \
	  --out $(BUILD_DIR)/decisions.jsonl || test $$? -eq 4
	@echo "--- the first decisions ($(BUILD_DIR)/decisions.jsonl):"
	@head -5 $(BUILD_DIR)/decisions.jsonl
	@echo "--- the error decisions:"
	@grep '"effect":"error"' $(BUILD_DIR)/decisions.jsonl

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

# Every C and C++ file formatted as .clang-format says (scripts/lint.sh); .ci/run runs it.
lint: deps
	@scripts/lint.sh

# The repository's policy files in `licit fmt`'s layout (scripts/fmt-check.sh); .ci/run checks it.
fmt-check: build
	@scripts/fmt-check.sh ./$(BUILD_DIR)/licit

fmt: build
	@scripts/fmt-check.sh --write ./$(BUILD_DIR)/licit

# Rewrites every golden .out from the current binary; review the result with `git diff`.
update-goldens: build
	LICIT_UPDATE_GOLDENS=1 ctest --test-dir $(BUILD_DIR) -R '^golden/' -j$(JOBS)

clean:
	rm -rf $(BUILD_DIR)

# Benchmarks (bench/README.md): a release build of its own in build/bench, then bench_check on
# generated 1,000- and 10,000-rule policies, the reference policies when node is installed, and
# bench_interp: the reference workload (1M records) through the interpreter and `licit run`;
# bench_api: the embedding API's overhead over the engine (docs/embedding.md, "Speed");
# bench/start/run.sh: time to the first decision (tiered start) and to the JIT, 1,000 and 10,000
# rules; screening_bench: party screening, 1 M names against a 20,000-entry list;
# bench/screening/run.sh: the same through `licit run`.
.PHONY: bench
bench: deps
	cmake --preset release -B build/bench
	cmake --build build/bench --target bench_check gen_policy licit bench_interp gen_records bench_api \
	  bench_fmt bench_lsp screening_bench
	./build/bench/bench/bench_check
	./build/bench/bench/bench_fmt
	./build/bench/bench/bench_lsp
	bench/impact/run.sh build/bench
	bench/analysis/run.sh build/bench
	bench/run_reference.sh build/bench/licit
	./build/bench/bench/bench_interp
	./build/bench/bench/bench_api
	bench/start/run.sh build/bench
	./build/bench/bench/screening_bench
	bench/screening/run.sh build/bench

# The HTTP load benchmark of `licit serve` (bench/README.md, "licit serve (HTTP)"): the same
# release build in build/bench, then bench/server/run.sh, which starts the server itself and drives
# it with wrk (about 2 minutes; DURATION, CONNECTIONS, PIN, ... pass through the environment).
# Neither `make bench` nor `make test` runs it.
.PHONY: bench-server
bench-server: deps
	cmake --preset release -B build/bench
	cmake --build build/bench --target licit gen_records httplib_ceiling
	LICIT=build/bench/licit bench/server/run.sh

# The Dask benchmark of the Python package (bench/README.md, "Python and Dask"): 1 M reference
# records through licit run and licit.dask on 1 and 2 local workers (a few minutes).
.PHONY: bench-python
bench-python: deps
	cmake --preset release -B build/bench
	cmake --build build/bench --target licit gen_records licit_python
	PYTHONPATH=build/bench/python /usr/bin/python3 bench/python/dask_bench.py --licit build/bench/licit

# A long libFuzzer run of one target (docs/testing.md, "Fuzzing"): the `fuzz` preset in build/fuzz
# (clang, ASan + UBSan), only that target built, a summary at the end, exit 1 on a finding.
# TARGET: fuzz_front_end, fuzz_engines, fuzz_jsonl_reader, fuzz_csv_reader or fuzz_server_request.
SECONDS ?= 600
.PHONY: fuzz-long
fuzz-long: deps
	@test -n "$(TARGET)" || { echo "usage: make fuzz-long TARGET=<fuzzer> [SECONDS=600]"; exit 2; }
	JOBS=$(JOBS) TIMEOUT=$(TIMEOUT) scripts/fuzz-long.sh $(TARGET) $(SECONDS)
