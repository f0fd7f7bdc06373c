// The hand-written scanner (frontend/syntax/scanner.h) against its specification, the lexer ANTLR
// generates from LicitLexer.g4: the same tokens, with the same types, channels, character indices,
// lines, columns and texts, on every policy of the goldens and examples, on the edge cases of each
// rule, and on random text from an alphabet that meets every rule's boundaries
// (scanner_differential.h compares them; the front-end fuzzer does too, on every input it tries).
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/unit/frontend/scanner_differential.h"
#include "tests/unit/frontend/syntax_inputs.h"

namespace licit::syntax {
namespace {

void CheckSame(const std::string& text) {
  CAPTURE(text);
  CHECK(ScannerDisagreement(text) == "");
}

}  // namespace

TEST_CASE("the scanner makes the generated lexer's tokens on every golden and example policy") {
  const std::vector<std::string> texts = Inputs();
  REQUIRE(texts.size() > 50);
  for (const std::string& text : texts) CheckSame(text);
}

TEST_CASE("the scanner makes the generated lexer's tokens at each rule's edges") {
  const std::vector<std::string> texts = {
      "",
      " ",
      "\n\n  \r\n\t",
      // Keywords, and names that only begin like them.
      "policy import as input record let class group rule exception for suspend from since until",
      "when unless because cite to any except allow deny review license exempt default test given",
      "expect by and or not in under matches if then else true false",
      "policyx rule-x not-1 for- _rule Rule RULE deny2 deny_",
      // Names with kebab segments, and subtractions.
      "dual-use LVS-1C010 a-1 x-2026 a-1b a-12-b a-b-1 a--b a- -a _ _-_ a_-b1",
      // Quoted names.
      "`q` `dual-use` `a-1` `a-b-1` `` ` `1a` `a b` `a",
      // Numbers, dates, months, money.
      "0 12 12.5 12. .5 1.2.3 007 2026-01-06 2026-01 2026-01-0 2026-013 20261-01 2026-1-06",
      "2026-01-061 0001-01-01X 1234-56-78 9999-99",
      "5 USD 5\tUSD 5  \t EUR 12.5 GBP 12 USDX 12 USD_ 12 USD1 12 USD- 12 US 12 usd 12 USD",
      "12.5USD 12. USD 12 .5 USD 2026-01 USD 1 ABC.",
      // Strings.
      "\"\" \"a\" \"a\\\"b\" \"a\\\\\" \"a\\nb\" \"\\\"",
      "\"unterminated\n\"also\r\n\"end",
      "\"escape at the end \\\n\"x\\",
      "\"\\",
      // Comments.
      "# a comment\nrule r # another\r\n#\n#",
      // Punctuation, one and two characters.
      "( ) { } [ ] , : . == != <= >= < > = + - * / % ? ! !! = = === <== >>= =<",
      // Characters no rule takes.
      "& | $ ; ' @ ^ ~ \\ \x01 \x7f",
      // Text beyond ASCII (UTF-8: one token index per code point).
      "rule r: deny to JP # \xE4\xB8\xAD\xE5\x9B\xBD\nlet s = "
      "\"Soci\xC3\xA9t\xC3\xA9\"\n\xE2\x82\xAC 5",
      "\xEF\xBB\xBFpolicy bom\n",
      "\xF0\x9F\x98\x80 a\xF0\x9F\x98\x80b \"\xF0\x9F\x98\x80\"",
      "\xE2\x80\x9Cquoted\xE2\x80\x9D",
      // Lines and columns.
      "a\nb\r\nc\rd\n\n  e\t f",
  };
  for (const std::string& text : texts) CheckSame(text);
}

TEST_CASE("the scanner makes the generated lexer's tokens on random text") {
  // Pieces that meet each rule's boundaries, joined at random.
  const std::vector<std::string> pieces = {
      "a",
      "Z",
      "_",
      "x1",
      "-",
      "--",
      "0",
      "1",
      "2026",
      "01",
      ".",
      " ",
      "\t",
      "\n",
      "\r",
      "\r\n",
      "\"",
      "\\",
      "`",
      "#",
      "=",
      "!",
      "<",
      ">",
      "(",
      ")",
      "[",
      "]",
      "{",
      "}",
      ",",
      ":",
      "+",
      "*",
      "/",
      "%",
      "?",
      "USD",
      "USDX",
      " EUR",
      "2026-0",
      "rule",
      "deny",
      "not",
      "for",
      "dual",
      "use",
      "&",
      ";",
      "'",
      "\x01",
      "\xC3\xA9",
      "\xE2\x82\xAC",
      "\xF0\x9F\x98\x80",
      "2026-01-06",
      "12.5",
      "5 USD",
      "\"s\"",
      "`q`",
  };
  std::mt19937 random(20261207);
  std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (int k = length(random); k > 0; --k) text += pieces[piece(random)];
    CheckSame(text);
  }
}

}  // namespace licit::syntax
