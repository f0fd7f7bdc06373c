// libFuzzer target: arbitrary bytes as a policy through the whole front end (parse, check, render).
// See tests/fuzz/README.md for how to build and run it.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/front_end_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  licit::fuzz::RunFrontEnd(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
