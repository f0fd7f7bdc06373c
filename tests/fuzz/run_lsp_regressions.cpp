// Replays conversation files through the language server fuzzer's entry (RunLspConversation) in
// every build, so what fuzzing found stays fixed: ctest `fuzz/lsp`. Every regular file under the
// given directories is one conversation (its first byte chooses the position encoding; the rest
// is message bodies separated by NUL bytes: tests/fuzz/README.md). A broken invariant aborts,
// naming the file (printed first).
//
//   run_lsp_regressions DIR_OR_FILE...

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/lsp_entry.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file() && entry.path().filename() != "README.md") {
          files.push_back(entry.path());
        }
      }
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "run_lsp_regressions: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: run_lsp_regressions DIR_OR_FILE...\n");
    return 2;
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::fprintf(stderr, "%s\n", file.c_str());
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    licit::fuzz::RunLspConversation(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%zu conversations replayed\n%s", files.size(), licit::fuzz::LspStats().c_str());
  return 0;
}
