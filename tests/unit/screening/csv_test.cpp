// base/csv.h, the CSV splitter shared by the list files and the record reader.
#include "base/csv.h"

#include <catch2/catch.hpp>

namespace licit::csv {
namespace {

std::vector<std::string> Cells(const Splitter& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size(); ++i) out.emplace_back(s.text(i));
  return out;
}

TEST_CASE("split one record", "[csv]") {
  Splitter s;
  CHECK(s.Split("a,b,,c"));
  CHECK(Cells(s) == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(s.Split("\"a,b\",\"say \"\"hi\"\"\",  \"x\" ,y\"z"));
  CHECK(Cells(s) == std::vector<std::string>{"a,b", "say \"hi\"", "x ", "y\"z"});
  CHECK_FALSE(s.Split("a,\"open"));
  CHECK(Cells(s) == std::vector<std::string>{"a", "open"});
  CHECK(s.Split(""));
  CHECK(Cells(s) == std::vector<std::string>{""});
}

TEST_CASE("records of a text with offsets, CRLF and multi-line cells", "[csv]") {
  const std::string text = "id,name\r\n1,\"Acme,\nInc.\"\r\n\n2, Beta \n3,\"x\"\"y\"";
  Splitter s;
  size_t pos = 0;
  REQUIRE(s.Next(text, pos) == Splitter::Status::kRecord);
  CHECK(Cells(s) == std::vector<std::string>{"id", "name"});
  CHECK(s[1].begin == 3);
  CHECK(s[1].end == 7);
  REQUIRE(s.Next(text, pos) == Splitter::Status::kRecord);
  CHECK(Cells(s) == std::vector<std::string>{"1", "Acme,\nInc."});
  CHECK(s[1].quoted);
  CHECK(text.substr(s[1].begin, s[1].end - s[1].begin) == "\"Acme,\nInc.\"");
  REQUIRE(s.Next(text, pos) == Splitter::Status::kRecord);  // the empty line
  CHECK(Cells(s) == std::vector<std::string>{""});
  REQUIRE(s.Next(text, pos) == Splitter::Status::kRecord);
  CHECK(Cells(s) == std::vector<std::string>{"2", " Beta "});
  REQUIRE(s.Next(text, pos) == Splitter::Status::kRecord);
  CHECK(Cells(s) == std::vector<std::string>{"3", "x\"y"});
  CHECK(s.Next(text, pos) == Splitter::Status::kEnd);
  size_t p2 = 0;
  CHECK(s.Next("a,\"b\nc", p2) == Splitter::Status::kUnterminated);
  CHECK(Cells(s) == std::vector<std::string>{"a", "b\nc"});
}

TEST_CASE("a quoted cell followed by CRLF", "[csv]") {
  Splitter s;
  size_t pos = 0;
  std::string text = "\"a\"\r\n\"b\"x\r\n";
  REQUIRE(s.Next(text, pos) == Splitter::Status::kRecord);
  CHECK(Cells(s) == std::vector<std::string>{"a"});
  REQUIRE(s.Next(text, pos) == Splitter::Status::kRecord);
  CHECK(Cells(s) == std::vector<std::string>{"bx"});
  CHECK(s.record_end() == 9);
}

}  // namespace
}  // namespace licit::csv

TEST_CASE("cells that need unescaping keep their text while later cells grow the buffers",
          "[csv]") {
  // Found by fuzz_screening (tests/fuzz/screening-regressions/escaped-cells-buffer-growth): the
  // first record with many escaped cells added a buffer per cell, and moving the earlier (short,
  // in-object) buffers left the earlier cells' views dangling.
  std::string record;
  for (int i = 0; i < 40; ++i)
    record += (i ? "," : "") + std::string("\"a\"\"") + char('A' + i % 26) + "\"";
  licit::csv::Splitter s;
  REQUIRE(s.Split(record));
  REQUIRE(s.size() == 40);
  for (size_t i = 0; i < 40; ++i) {
    CHECK(s.text(i) == std::string("a\"") + char('A' + i % 26));
  }
}
