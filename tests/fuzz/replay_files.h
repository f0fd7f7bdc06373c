// The replay tests' shared driver (run_server_regressions, run_lsp_regressions): every regular
// file under the given directories (README.md files aside) or given itself, sorted, each run
// through the fuzz entry; the file's name is printed first, so a broken invariant (an abort)
// names it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace licit::fuzz {

// Returns main's exit status: 2 (with a message naming `tool`) for a missing path or no files;
// *replayed is the number of files run.
inline int ReplayFiles(int argc, char** argv, const char* tool,
                       const std::function<void(const uint8_t*, size_t)>& run, size_t* replayed) {
  namespace fs = std::filesystem;
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
      std::fprintf(stderr, "%s: no such file or directory: %s\n", tool, argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", tool);
    return 2;
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::fprintf(stderr, "%s\n", file.c_str());
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  *replayed = files.size();
  return 0;
}

}  // namespace licit::fuzz
