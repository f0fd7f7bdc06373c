// libFuzzer target: conversations with the language server (lsp_entry.h). tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>

#include "tests/fuzz/lsp_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  licit::fuzz::RunLspConversation(data, size);
  return 0;
}
