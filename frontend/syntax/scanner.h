// Licit's tokens, scanned by hand. LicitLexer.g4 stays their specification: the scanner makes the
// tokens the lexer ANTLR generates from it makes, with the same types, channels, character
// indices, lines and columns (tests/unit/frontend/scanner_test.cpp compares the two on every policy
// in the repository and on random text, and the front-end fuzzer on every input it tries).
//
// Why by hand: ANTLR's lexer simulates the grammar's ATN through a DFA it builds per process, so a
// process's first lex starts from nothing, and every character goes through virtual calls and
// dynamic casts. It was 87 M of the 289 M instructions of `licit check` on the 1,004-rule
// reference policy, and 5.6 M of every small policy's start (bench/README.md). The token set is
// small and its rules are regular, with one lookahead predicate (MONEY's).
//
// Internal to the syntax phase.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "licit_antlr.h"

namespace licit_gen {
class LicitLexer;
}

namespace licit::syntax {

class Scanner {
 public:
  // Scans the code points of `lexer`'s character stream: `ascii` (its bytes, read in place) or
  // `code_points` (one 32-bit unit each), token_source.h's two streams, which must outlive the
  // scanner. The tokens name `lexer` and its stream as their source, as the lexer's own tokens
  // would (ANTLR's error recovery makes tokens through them); the lexer itself never runs.
  Scanner(std::string_view ascii, licit_gen::LicitLexer& lexer);
  Scanner(std::u32string_view code_points, licit_gen::LicitLexer& lexer);

  // The next token, as LicitLexer::nextToken gives it: white space skipped, comments on the
  // hidden channel, an unmatched character as ERROR_CHAR, and EOF at the end (again on every
  // later call).
  std::unique_ptr<antlr4::Token> Next();

  // Where the scan is: the line (from 1) and the column (code points since the line's start).
  size_t line() const { return line_; }
  size_t column() const { return column_; }

 private:
  template <class Char>
  std::unique_ptr<antlr4::Token> NextIn(const Char* text, size_t size);

  std::string_view ascii_;
  std::u32string_view code_points_;
  bool wide_ = false;
  std::pair<antlr4::TokenSource*, antlr4::CharStream*> source_;
  size_t at_ = 0;  // the next code point's index
  size_t line_ = 1;
  size_t column_ = 0;
  const std::unordered_map<std::string, size_t>* keywords_;  // keyword text -> token type
  std::string name_;  // a NAME's text, for the keyword lookup
};

}  // namespace licit::syntax
