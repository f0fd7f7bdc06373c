// Replays every file of the given directories through the fuzzer's entry point (RunFrontEnd), in
// a normal build, so crash reproducers found by fuzzing stay fixed. A crash fails the ctest test;
// the file being run is printed first so the failure names it.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/front_end_entry.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: run_fuzz_regressions DIR_OR_FILE...\n");
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path arg = argv[i];
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::directory_iterator(arg)) {
        // README.md documents the directory and golden .out files are expectations, not inputs.
        if (entry.is_regular_file() && entry.path().extension() != ".md" &&
            entry.path().extension() != ".out") {
          files.push_back(entry.path());
        }
      }
    } else if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::fprintf(stderr, "run_fuzz_regressions: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());  // a stable order makes a failure easy to reproduce
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::fprintf(stderr, "running %s\n", path.c_str());
    licit::fuzz::RunFrontEnd(text.str());
  }
  std::printf("%zu inputs ran without a crash\n", files.size());
  return 0;
}
