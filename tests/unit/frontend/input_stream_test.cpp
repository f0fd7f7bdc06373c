// The syntax phase's own character streams and offset map (frontend/syntax/token_source.h): the
// same code points, indices and texts as ANTLR's input stream, and the same byte offsets for
// ASCII text (no table) as for text with multi-byte characters.
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

TEST_CASE("AsciiInputStream reads, seeks and slices as ANTLR's stream does") {
  for (const std::string text : {"", "x", "policy p\nrule r: deny to JP\n"}) {
    CAPTURE(text);
    antlr4::ANTLRInputStream theirs(text);
    AsciiInputStream ours(text);
    REQUIRE(ours.size() == theirs.size());
    for (size_t at : {size_t{0}, size_t{1}, text.size() / 2, text.size(), text.size() + 2}) {
      CAPTURE(at);
      theirs.seek(0), ours.seek(0);
      theirs.seek(at), ours.seek(at);  // forward seeks stop at the end
      CHECK(ours.index() == theirs.index());
      for (ssize_t i : {-3, -2, -1, 0, 1, 2, 3}) CHECK(ours.LA(i) == theirs.LA(i));
      for (ssize_t b : {-1, 0, 1, 4, 100}) {
        const antlr4::misc::Interval interval(static_cast<ssize_t>(at), b);
        CHECK(ours.getText(interval) == theirs.getText(interval));
      }
    }
    theirs.seek(0), ours.seek(0);
    CHECK(CodePoints(ours) == CodePoints(theirs));
    CHECK_THROWS_AS(ours.consume(), antlr4::IllegalStateException);
    CHECK(ours.toString() == theirs.toString());
    CHECK(ours.getSourceName() == theirs.getSourceName());
  }
}

TEST_CASE("OffsetMap maps code points to bytes, with or without a table") {
  const std::string ascii = "rule r: deny to JP";
  OffsetMap plain(ascii);
  CHECK(plain.ascii());  // so the lexer reads it in place (AsciiInputStream)
  for (size_t cp = 0; cp <= ascii.size() + 3; ++cp) {
    CHECK(plain.ByteOffset(cp) == std::min(cp, ascii.size()));
  }
  const std::string text = "é中\xF0\x9F\x98\x80x";  // 2, 3, 4 and 1 bytes
  OffsetMap wide(text);
  CHECK_FALSE(wide.ascii());
  const std::vector<uint32_t> expected = {0, 2, 5, 9, 10, 10, 10};
  for (size_t cp = 0; cp < expected.size(); ++cp) CHECK(wide.ByteOffset(cp) == expected[cp]);
}

}  // namespace licit::syntax
