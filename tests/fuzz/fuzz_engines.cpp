// libFuzzer target: bytes drive a random well-typed policy and records, decided by both engines,
// which must agree (tests/fuzz/engines_entry.h). See tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/engines_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  licit::fuzz::RunEngines(data, size);
  return 0;
}
