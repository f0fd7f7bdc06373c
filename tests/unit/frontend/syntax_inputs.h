// Texts for the syntax phase's tests: every policy of the parse and check goldens and the
// examples, and a few texts with errors.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace licit::syntax {

// Every policy of the parse and check goldens and the examples, and a few texts with errors (the
// parser's second, full-context stage) and with a currency that runs on into a name.
inline std::vector<std::string> Inputs() {
  namespace fs = std::filesystem;
  fs::path root = LICIT_SOURCE_DIR;  // set by tests/CMakeLists.txt
  std::vector<fs::path> files;
  for (const char* dir : {"tests/golden/parse", "tests/golden/check", "examples"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (entry.path().extension() == ".licit") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> texts;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  texts.push_back("policy a.b\nrule r: deny when value > 100 USDX\nlet y = 100 USD\n");
  texts.push_back("policy a.b\nrule r: deny to JP when (a and {b: 1, c: [1, 2,]} in x\n");
  texts.push_back("policy a.b\nsdn list \"x.csv\" review\nclass c = not not in under\n");
  return texts;
}

}  // namespace licit::syntax
