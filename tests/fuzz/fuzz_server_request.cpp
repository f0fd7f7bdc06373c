// libFuzzer target: bytes become one HTTP request answered in process by `licit serve`'s Service
// (tests/fuzz/server_request_entry.h). See tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/server_request_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  licit::fuzz::RunServerRequest(data, size);
  return 0;
}
