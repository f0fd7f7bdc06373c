// Replays inputs through the two-engine fuzz entry in any build (gcc included): every file in the
// directories given, then `--random N` inputs of pseudo-random bytes (fixed seed), so the entry
// itself is tested by `make test`; `--records N` caps the records per input (the fuzzer decides
// 256 to 2,048). ctest `fuzz/engines`. Prints the coverage counts at the end.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "tests/fuzz/engines_entry.h"

int main(int argc, char** argv) {
  int replayed = 0, records = 0, max_records = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--records" && i + 1 < argc) {
      max_records = std::atoi(argv[++i]);
      continue;
    }
    if (arg == "--random" && i + 1 < argc) {
      const int n = std::atoi(argv[++i]);
      std::mt19937_64 rng(20261129);
      for (int k = 0; k < n; ++k) {
        std::vector<uint8_t> bytes(16 + rng() % 240);
        for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
        records += licit::fuzz::RunEngines(bytes.data(), bytes.size(), max_records);
        ++replayed;
      }
      continue;
    }
    if (!std::filesystem::is_directory(arg)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(arg)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
      records += licit::fuzz::RunEngines(bytes.data(), bytes.size(), max_records);
      ++replayed;
    }
  }
  std::printf("replayed %d inputs, %d records decided by both engines alike\n%s", replayed, records,
              licit::fuzz::EnginesCoverageText().c_str());
  return replayed > 0 ? 0 : 1;
}
