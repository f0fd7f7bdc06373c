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

// The example shipments, many times over, with blank lines, CRLF and broken records between them
// (the screening tests' input).
inline std::string ScreenInput(int copies) {
  std::string text;
  const std::vector<std::string> lines = ShipmentLines();
  for (int c = 0; c < copies; ++c) {
    for (size_t i = 0; i < lines.size(); ++i) {
      text += lines[i];
      text += (i + c) % 9 == 0 ? "\r\n" : "\n";
      if ((i + c) % 17 == 0) text += "\n   \n";
      if ((i + c) % 23 == 0) text += "{\"id\":\"broken\",\"date\":\n";
    }
  }
  return text;
}

inline std::string ScreenCsv(int rows) {
  std::string csv = "id,date,destination,end_use,item.cn,end_user.name,end_user.kind\n";
  for (int i = 0; i < rows; ++i) {
    csv += "C" + std::to_string(i) + ",2026-02-0" + std::to_string(1 + i % 9) + "," +
           (i % 3 == 0 ? "JP" : "DE") + "," + (i % 5 == 0 ? "military" : "civil") + "," +
           (i % 2 == 0 ? "1C902.a" : "") + ",\"Org, " + std::to_string(i) + "\",commercial\n";
    if (i % 500 == 0) csv += "bad,not-a-date,JP,,,,\n";
  }
  return csv;
}

}  // namespace licit_test
