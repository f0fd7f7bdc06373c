// Replays request files through the HTTP request fuzzer's entry (RunServerRequest) in every build,
// so what fuzzing found stays fixed: ctest `fuzz/server`. Every regular file under the given
// directories is one request (its first two bytes choose the endpoint, query, Content-Type and
// headers; the rest is the body: tests/fuzz/README.md). A broken invariant aborts, naming the file
// (printed first).
//
//   run_server_regressions DIR_OR_FILE...

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/server_request_entry.h"

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
      std::fprintf(stderr, "run_server_regressions: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: run_server_regressions DIR_OR_FILE...\n");
    return 2;
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::fprintf(stderr, "%s\n", file.c_str());
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    licit::fuzz::RunServerRequest(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("%zu request files replayed\n%s", files.size(),
              licit::fuzz::ServerRequestStats().c_str());
  return 0;
}
