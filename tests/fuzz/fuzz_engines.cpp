// libFuzzer target: bytes drive a random well-typed policy and records, decided by both engines,
// which must agree (tests/fuzz/engines_entry.h). See tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/engines_entry.h"

namespace {

// At exit (libFuzzer exits normally at -max_total_time and -runs), the coverage counts of every
// input run: how many records were compared, what the policies held. scripts/fuzz-long.sh reads
// the "records N" line to report decisions compared per second.
void PrintCoverage() {
  std::fprintf(stderr, "fuzz_engines coverage:\n%s", licit::fuzz::EnginesCoverageText().c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::atexit(PrintCoverage);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  licit::fuzz::RunEngines(data, size);
  return 0;
}
