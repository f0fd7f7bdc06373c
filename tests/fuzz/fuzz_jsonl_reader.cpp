// libFuzzer target: arbitrary bytes as a JSON Lines file through io::MakeReader, checked against
// the references in reader_entries.cpp. See tests/fuzz/README.md for how to build and run it.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/reader_entries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  licit::fuzz::RunJsonLinesReader(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
