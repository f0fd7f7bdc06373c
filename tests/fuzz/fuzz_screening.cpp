// libFuzzer target: arbitrary bytes as a restricted-party list (and a cleared file and names),
// read, indexed and screened, checked by the invariants in screening_entry.h. See
// tests/fuzz/README.md for how to build and run it.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/screening_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  licit::fuzz::RunScreening(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
