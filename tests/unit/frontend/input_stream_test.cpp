// The syntax phase's own character stream and offset map (frontend/syntax/token_source.h): the
// same code points as ANTLR's input stream, and the same byte offsets for ASCII text (no table)
// as for text with multi-byte characters.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "frontend/syntax/token_source.h"

namespace licit::syntax {
namespace {

std::vector<size_t> CodePoints(antlr4::CharStream& stream) {
  std::vector<size_t> out;
  for (size_t i = 0; i < stream.size(); ++i) {
    out.push_back(stream.LA(1));
    stream.consume();
  }
  return out;
}

}  // namespace

TEST_CASE("Utf8InputStream reads the code points ANTLR's stream reads") {
  const std::vector<std::string> texts = {
      "",
      "policy p\nrule r: deny to JP\n",
      "rule \"Société Générale\": deny\n",
      "let name = \"中国 核工业\"\n",
      "\"\xF0\x9F\x98\x80 emoji and \xC2\xA0 no-break space\"",
      "\xEF\xBB\xBFpolicy bom\n",  // a leading byte-order mark is dropped by both
      "\xEF\xBB\xBF",
      "a\xEF\xBB\xBF"
      "b",  // one in the middle is a character like any other
  };
  for (const std::string& text : texts) {
    CAPTURE(text);
    antlr4::ANTLRInputStream theirs(text);
    Utf8InputStream ours(text);
    REQUIRE(ours.size() == theirs.size());
    CHECK(CodePoints(ours) == CodePoints(theirs));
  }
}

TEST_CASE("OffsetMap maps code points to bytes, with or without a table") {
  const std::string ascii = "rule r: deny to JP";
  OffsetMap plain(ascii);
  for (size_t cp = 0; cp <= ascii.size() + 3; ++cp) {
    CHECK(plain.ByteOffset(cp) == std::min(cp, ascii.size()));
  }
  const std::string text = "é中\xF0\x9F\x98\x80x";  // 2, 3, 4 and 1 bytes
  OffsetMap wide(text);
  const std::vector<uint32_t> expected = {0, 2, 5, 9, 10, 10, 10};
  for (size_t cp = 0; cp < expected.size(); ++cp) CHECK(wide.ByteOffset(cp) == expected[cp]);
}

}  // namespace licit::syntax
