#include <string>

#include <catch2/catch.hpp>

#include "base/source.h"

namespace licit {
namespace {

constexpr size_t kValid = std::string_view::npos;

TEST_CASE("Valid UTF-8 passes", "[utf8]") {
  CHECK(FindInvalidUtf8("") == kValid);
  CHECK(FindInvalidUtf8("policy x") == kValid);
  CHECK(FindInvalidUtf8("é 日本 \xF0\x9F\x98\x80") == kValid);
  CHECK(FindInvalidUtf8("\xF4\x8F\xBF\xBF") == kValid);  // U+10FFFF, the last code point
  CHECK(FindInvalidUtf8("\xEF\xBB\xBF") == kValid);      // a BOM is valid UTF-8
}

TEST_CASE("Overlong encodings are invalid", "[utf8]") {
  CHECK(FindInvalidUtf8("\xC0\xAF") == 0);  // '/' in 2 bytes
  CHECK(FindInvalidUtf8("\xC1\xBF") == 0);
  CHECK(FindInvalidUtf8("ab\xE0\x80\xAF") == 2);    // '/' in 3 bytes
  CHECK(FindInvalidUtf8("\xF0\x80\x80\xAF") == 0);  // '/' in 4 bytes
  CHECK(FindInvalidUtf8("\xF0\x8F\xBF\xBF") == 0);  // U+FFFF in 4 bytes
}

TEST_CASE("Surrogates and code points above U+10FFFF are invalid", "[utf8]") {
  CHECK(FindInvalidUtf8("\xED\xA0\x80") == 0);       // U+D800
  CHECK(FindInvalidUtf8("x\xED\xBF\xBF") == 1);      // U+DFFF
  CHECK(FindInvalidUtf8("\xED\x9F\xBF") == kValid);  // U+D7FF is fine
  CHECK(FindInvalidUtf8("\xF4\x90\x80\x80") == 0);   // U+110000
  CHECK(FindInvalidUtf8("\xF5\x80\x80\x80") == 0);
  CHECK(FindInvalidUtf8("\xF8\x88\x80\x80\x80") == 0);  // 5-byte forms do not exist
  CHECK(FindInvalidUtf8("\xFF") == 0);
}

TEST_CASE("Truncated and broken sequences are invalid at their start", "[utf8]") {
  CHECK(FindInvalidUtf8("ab\xE6\x97") == 2);  // 日 missing its last byte, at end of text
  CHECK(FindInvalidUtf8("\xE6\x97x") == 0);   // ... followed by ASCII
  CHECK(FindInvalidUtf8("\xC3") == 0);
  CHECK(FindInvalidUtf8("\xC3\x28") == 0);  // continuation byte expected
  CHECK(FindInvalidUtf8("a\x80") == 1);     // stray continuation byte
  CHECK(FindInvalidUtf8("ok\xF0\x9F\x98") == 2);
  std::string with_nul("a\0b", 3);
  CHECK(FindInvalidUtf8(with_nul) == kValid);  // NUL is valid UTF-8 (the parser rejects it)
}

TEST_CASE("CodePointCount", "[utf8]") {
  CHECK(CodePointCount("") == 0);
  CHECK(CodePointCount("abc") == 3);
  CHECK(CodePointCount("日本x") == 3);
  CHECK(CodePointCount("\xF0\x9F\x98\x80") == 1);
}

}  // namespace
}  // namespace licit

TEST_CASE("Utf8Prefix never cuts inside a UTF-8 sequence", "[base][utf8]") {
  using licit::Utf8Prefix;
  CHECK(Utf8Prefix("abc", 10) == "abc");
  CHECK(Utf8Prefix("abcdef", 3) == "abc");
  // "aé" is 61 C3 A9: a cut after two bytes would keep the lead byte alone.
  CHECK(Utf8Prefix("a\xc3\xa9z", 2) == "a");
  CHECK(Utf8Prefix("a\xc3\xa9z", 3) == "a\xc3\xa9");
  // A four-byte sequence (U+1F600) is kept whole or not at all.
  CHECK(Utf8Prefix("\xf0\x9f\x98\x80!", 3).empty());
  CHECK(Utf8Prefix("\xf0\x9f\x98\x80!", 4) == "\xf0\x9f\x98\x80");
}
