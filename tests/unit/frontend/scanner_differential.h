// The hand-written scanner (frontend/syntax/scanner.h) against its specification, the lexer ANTLR
// generates from LicitLexer.g4, on one text: shared by tests/unit/frontend/scanner_test.cpp and
// the front-end fuzzer (tests/fuzz/front_end_entry.cpp).
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "LicitLexer.h"
#include "base/source.h"
#include "frontend/syntax/parser_cache.h"
#include "frontend/syntax/token_source.h"

namespace licit::syntax {

// What a token is, for comparing two: all a parser or a diagnostic can read from it.
struct LexedToken {
  size_t type, channel, start, stop, line, column;
  std::string text;
  bool operator==(const LexedToken&) const = default;
  std::string ToString() const {
    std::ostringstream out;
    out << "{type " << type << " channel " << channel << " [" << start << ", "
        << static_cast<long long>(stop) << "] at " << line << ":" << column << " `" << text << "`}";
    return out.str();
  }
};

inline LexedToken DescribeToken(const antlr4::Token& t) {
  return LexedToken{t.getType(),      t.getChannel(), t.getStartIndex(),
                    t.getStopIndex(), t.getLine(),    t.getCharPositionInLine(),
                    t.getText()};
}

// The generated lexer's tokens for `text` (valid UTF-8), set up as the syntax phase set it up
// before the scanner: the same character stream (token_source.h), the leak-free simulator, no
// error listener. EOF last.
inline std::vector<LexedToken> GeneratedLexerTokens(const std::string& text) {
  ParserCacheLease lease;
  const OffsetMap offsets(text);
  std::unique_ptr<antlr4::CharStream> input;
  if (offsets.ascii()) {
    input = std::make_unique<AsciiInputStream>(text);
  } else {
    input = std::make_unique<Utf8InputStream>(text);
  }
  licit_gen::LicitLexer lexer(input.get());
  UseLeakFreeSimulator(lexer);
  lexer.removeErrorListeners();
  std::vector<LexedToken> out;
  for (;;) {
    std::unique_ptr<antlr4::Token> token = lexer.nextToken();
    out.push_back(DescribeToken(*token));
    if (token->getType() == antlr4::Token::EOF) return out;
  }
}

// The scanner's tokens for `text`, as the syntax phase makes them (FileLexer). EOF last, checked
// to come again on the next call.
inline std::vector<LexedToken> ScannerTokens(const std::string& text) {
  SourceManager sources;
  const FileId id = sources.Add("scanned.licit", text);
  FileLexer lexing(sources.Get(id));
  std::vector<LexedToken> out;
  for (;;) {
    std::unique_ptr<antlr4::Token> token = lexing.scanner.Next();
    out.push_back(DescribeToken(*token));
    if (token->getType() == antlr4::Token::EOF) {
      if (!(DescribeToken(*lexing.scanner.Next()) == out.back())) out.push_back(out.back());
      return out;
    }
  }
}

// Where the two disagree on `text` (valid UTF-8), or empty when they make the same tokens.
inline std::string ScannerDisagreement(const std::string& text) {
  const std::vector<LexedToken> theirs = GeneratedLexerTokens(text);
  const std::vector<LexedToken> ours = ScannerTokens(text);
  for (size_t i = 0; i < std::max(theirs.size(), ours.size()); ++i) {
    if (i < theirs.size() && i < ours.size() && ours[i] == theirs[i]) continue;
    return "token " + std::to_string(i) + ": the generated lexer's " +
           (i < theirs.size() ? theirs[i].ToString() : "(none)") + ", the scanner's " +
           (i < ours.size() ? ours[i].ToString() : "(none)");
  }
  return {};
}

}  // namespace licit::syntax
