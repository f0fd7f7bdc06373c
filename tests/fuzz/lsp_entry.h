// The language server's fuzz entry (fuzz_lsp.cpp) and its replay test (run_lsp_regressions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace licit::fuzz {

// Runs `licit lsp`'s server (lsp::ServeBytes) on a conversation made from `data`: an initialize
// (UTF-8 or UTF-16 positions, by the first byte), then the rest of the input cut at NUL bytes
// into message bodies, each framed with its Content-Length, except a piece starting with `!`,
// sent as it is (raw framing); then shutdown and exit. Checks, besides the sanitizers: the server
// writes only well-framed messages, each strict JSON; it answers the initialize and, after
// whatever came between, the shutdown (the server went on); it exits 0.
void RunLspConversation(const uint8_t* data, size_t size);

// Counters over every input run in this process, for the replay test's summary.
std::string LspStats();

}  // namespace licit::fuzz
