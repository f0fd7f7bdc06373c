#include "base/source.h"

#include <catch2/catch.hpp>

namespace licit {
namespace {

TEST_CASE("Span basics", "[source]") {
  Span none;
  CHECK_FALSE(none.valid());
  Span a{0, 3, 7}, b{0, 10, 12};
  CHECK(a.valid());
  CHECK(a.size() == 4);
  Span c = Span::Cover(a, b);
  CHECK(c.begin == 3);
  CHECK(c.end == 12);
  // Covering with an invalid span keeps the valid one, so callers need not special-case.
  CHECK(Span::Cover(none, b).begin == 10);
  CHECK(Span::Cover(a, none).end == 7);
}

TEST_CASE("Locate counts lines and columns from 1", "[source]") {
  SourceFile f(0, "a.licit", "ab\ncd\n\nxyz");
  CHECK(f.line_count() == 4);
  CHECK(f.Locate(0) == LineCol{1, 1});
  CHECK(f.Locate(1) == LineCol{1, 2});
  CHECK(f.Locate(2) == LineCol{1, 3});  // the '\n' itself belongs to line 1
  CHECK(f.Locate(3) == LineCol{2, 1});
  CHECK(f.Locate(6) == LineCol{3, 1});
  CHECK(f.Locate(7) == LineCol{4, 1});
  CHECK(f.Locate(10) == LineCol{4, 4});   // end of text
  CHECK(f.Locate(999) == LineCol{4, 4});  // past the end clamps
}

TEST_CASE("Locate counts code points, not bytes", "[source][utf8]") {
  // "é" is 2 bytes, "日" and "本" are 3 bytes each, the emoji is 4 bytes.
  SourceFile f(0, "u.licit", "é=1\n日本 x\n\xF0\x9F\x98\x80y");
  CHECK(f.Locate(2) == LineCol{1, 2});  // after "é"
  CHECK(f.Locate(5) == LineCol{2, 1});
  CHECK(f.Locate(5 + 6) == LineCol{2, 3});      // the space after 日本
  CHECK(f.Locate(5 + 7) == LineCol{2, 4});      // 'x'
  CHECK(f.Locate(5 + 9 + 4) == LineCol{3, 2});  // 'y' after the emoji
}

TEST_CASE("CRLF line endings", "[source]") {
  SourceFile f(0, "w.licit", "ab\r\ncd\r\n");
  CHECK(f.line_count() == 3);
  CHECK(f.Locate(4) == LineCol{2, 1});
  CHECK(f.Locate(5) == LineCol{2, 2});
  CHECK(f.Line(1) == "ab");  // no '\r' in the displayed line
  CHECK(f.Line(2) == "cd");
  CHECK(f.Line(3).empty());
  CHECK(f.LineStart(2) == 4);
}

TEST_CASE("Line and LineStart", "[source]") {
  SourceFile f(0, "l.licit", "first\nsecond\nthird");
  CHECK(f.Line(1) == "first");
  CHECK(f.Line(2) == "second");
  CHECK(f.Line(3) == "third");  // last line without a terminator
  CHECK(f.Line(0).empty());
  CHECK(f.Line(4).empty());
  CHECK(f.LineStart(1) == 0);
  CHECK(f.LineStart(3) == 13);
  CHECK(f.LineStart(99) == f.text().size());

  SourceFile empty(1, "e.licit", "");
  CHECK(empty.line_count() == 1);
  CHECK(empty.Line(1).empty());
  CHECK(empty.Locate(0) == LineCol{1, 1});
}

TEST_CASE("SourceManager hands out dense ids and formats locations", "[source]") {
  SourceManager sm;
  FileId a = sm.Add("a.licit", "x\ny");
  FileId b = sm.Add("dir/b.licit", "日本");
  CHECK(a == 0);
  CHECK(b == 1);
  CHECK(sm.size() == 2);
  CHECK(sm.Get(b).path() == "dir/b.licit");
  CHECK(sm.Where(Span{a, 2, 3}) == "a.licit:2:1");
  CHECK(sm.Where(Span{b, 3, 6}) == "dir/b.licit:1:2");
  CHECK(sm.Where(Span{}) == "<unknown>");
  CHECK(sm.Where(Span{7, 0, 0}) == "<unknown>");
}

}  // namespace
}  // namespace licit
