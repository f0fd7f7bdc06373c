// Shared by the API tests: the example policy and sample shipments from the source tree.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef LICIT_SOURCE_DIR
#error "LICIT_SOURCE_DIR must be defined (tests/api/CMakeLists.txt)"
#endif

namespace licit_test {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string ExamplePolicyPath() { return LICIT_SOURCE_DIR "/examples/cn-japan-2026.licit"; }
inline std::string ExamplePolicyText() { return ReadFile(ExamplePolicyPath()); }

inline std::vector<std::string> ShipmentLines() {
  std::ifstream in(LICIT_SOURCE_DIR "/examples/shipments.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace licit_test
