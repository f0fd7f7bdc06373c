// Replays conversation files through the language server fuzzer's entry (RunLspConversation) in
// every build, so what fuzzing found stays fixed: ctest `fuzz/lsp`. Every regular file under the
// given directories is one conversation (its first byte chooses the position encoding; the rest
// is message bodies separated by NUL bytes: tests/fuzz/README.md). A broken invariant aborts,
// naming the file (printed first).
//
//   run_lsp_regressions DIR_OR_FILE...

#include <cstdio>

#include "tests/fuzz/lsp_entry.h"
#include "tests/fuzz/replay_files.h"

int main(int argc, char** argv) {
  size_t replayed = 0;
  int status = licit::fuzz::ReplayFiles(argc, argv, "run_lsp_regressions",
                                        licit::fuzz::RunLspConversation, &replayed);
  if (status != 0) return status;
  std::printf("%zu conversations replayed\n%s", replayed, licit::fuzz::LspStats().c_str());
  return 0;
}
