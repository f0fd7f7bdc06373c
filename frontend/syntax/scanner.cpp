#include "frontend/syntax/scanner.h"

#include <unordered_map>

#include "LicitLexer.h"

namespace licit::syntax {

using licit_gen::LicitLexer;

namespace {

constexpr uint32_t kEnd = 0xFFFFFFFF;  // past the text (no code point is this)

bool IsDigit(uint32_t c) { return c >= '0' && c <= '9'; }
bool IsLetter(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsUpper(uint32_t c) { return c >= 'A' && c <= 'Z'; }
bool IsNameStart(uint32_t c) { return IsLetter(c) || c == '_'; }
bool IsNameChar(uint32_t c) { return IsNameStart(c) || IsDigit(c); }

// The keywords, from the grammar's own literal names (`'policy'` is POLICY's): every token type
// whose literal is a word. A NAME whose text is a keyword is that keyword, as ANTLR resolves the
// tie between two rules matching the same text by their order (the keywords come first).
// (`vocabulary` is the generated lexer's; the table is made once, from the first.)
const std::unordered_map<std::string, size_t>& Keywords(const antlr4::dfa::Vocabulary& vocabulary) {
  static const auto* table = [&vocabulary] {
    auto* words = new std::unordered_map<std::string, size_t>;  // never destroyed
    for (size_t type = 1; type <= vocabulary.getMaxTokenType(); ++type) {
      const std::string literal = vocabulary.getLiteralName(type);
      if (literal.size() < 3 || literal.front() != '\'') continue;
      std::string word = literal.substr(1, literal.size() - 2);
      bool letters = true;
      for (char c : word) letters = letters && IsLetter(static_cast<unsigned char>(c));
      if (letters) words->emplace(std::move(word), type);
    }
    return words;
  }();
  return *table;
}

}  // namespace

Scanner::Scanner(std::string_view ascii, LicitLexer& lexer)
    : ascii_(ascii),
      source_(&lexer, lexer.getInputStream()),
      keywords_(&Keywords(lexer.getVocabulary())) {}

Scanner::Scanner(std::u32string_view code_points, LicitLexer& lexer)
    : code_points_(code_points),
      wide_(true),
      source_(&lexer, lexer.getInputStream()),
      keywords_(&Keywords(lexer.getVocabulary())) {}

std::unique_ptr<antlr4::Token> Scanner::Next() {
  return wide_ ? NextIn(code_points_.data(), code_points_.size())
               : NextIn(reinterpret_cast<const unsigned char*>(ascii_.data()), ascii_.size());
}

// At each position the longest match of any rule of LicitLexer.g4, the earlier rule on a tie, as
// ANTLR's lexer decides; the comments name the rules.
template <class Char>
std::unique_ptr<antlr4::Token> Scanner::NextIn(const Char* text, size_t size) {
  auto at = [&](size_t i) -> uint32_t { return i < size ? static_cast<uint32_t>(text[i]) : kEnd; };
  // A NAME's end from its first character at `i`: [A-Za-z_] [A-Za-z0-9_]* ('-' SEGMENT)*, where a
  // SEGMENT is a run of [A-Za-z0-9_] with a letter in it (`dual-use`, `LVS-1C010`; `a-1` is a
  // subtraction).
  auto name_end = [&](size_t i) {
    size_t j = i + 1;
    while (IsNameChar(at(j))) ++j;
    while (at(j) == '-') {
      size_t k = j + 1;
      bool letter = false;
      for (; IsNameChar(at(k)); ++k) letter = letter || IsLetter(at(k));
      if (!letter) break;
      j = k;
    }
    return j;
  };

  for (;;) {
    const size_t start = at_;
    if (start >= size) {
      // As Lexer::emitEOF: an empty span at the end.
      return antlr4::CommonTokenFactory::DEFAULT->create(source_, antlr4::Token::EOF, "",
                                                         antlr4::Token::DEFAULT_CHANNEL, start,
                                                         start - 1, line_, column_);
    }
    const uint32_t c = at(start);
    size_t type = LicitLexer::ERROR_CHAR;
    size_t end = start + 1;  // one past the token's last code point
    size_t channel = antlr4::Token::DEFAULT_CHANNEL;
    switch (c) {
      case ' ':
      case '\t':
      case '\r':
      case '\n': {  // WS -> skip
        for (uint32_t w = c; w == ' ' || w == '\t' || w == '\r' || w == '\n'; w = at(++at_)) {
          if (w == '\n') {
            ++line_;
            column_ = 0;
          } else {
            ++column_;
          }
        }
        continue;
      }
      case '#':  // COMMENT -> channel(HIDDEN)
        while (end < size && at(end) != '\r' && at(end) != '\n') ++end;
        type = LicitLexer::COMMENT;
        channel = antlr4::Token::HIDDEN_CHANNEL;
        break;
      case '"': {  // STRING, or UNTERMINATED_STRING when no `"` closes it on its line
        for (;;) {
          const uint32_t s = at(end);
          if (s == '\\') {
            const uint32_t escaped = at(end + 1);
            if (escaped == kEnd || escaped == '\r' || escaped == '\n') break;
            end += 2;
          } else if (s == kEnd || s == '"' || s == '\r' || s == '\n') {
            break;
          } else {
            ++end;
          }
        }
        if (at(end) == '"') {
          ++end;
          type = LicitLexer::STRING;
        } else {
          type = LicitLexer::UNTERMINATED_STRING;
        }
        break;
      }
      case '`':  // QNAME: a NAME in backquotes, or else the backquote is an ERROR_CHAR
        if (IsNameStart(at(start + 1))) {
          const size_t name = name_end(start + 1);
          if (at(name) == '`') {
            end = name + 1;
            type = LicitLexer::QNAME;
          }
        }
        break;
      case '(': type = LicitLexer::LPAREN; break;
      case ')': type = LicitLexer::RPAREN; break;
      case '{': type = LicitLexer::LBRACE; break;
      case '}': type = LicitLexer::RBRACE; break;
      case '[': type = LicitLexer::LBRACKET; break;
      case ']': type = LicitLexer::RBRACKET; break;
      case ',': type = LicitLexer::COMMA; break;
      case ':': type = LicitLexer::COLON; break;
      case '.': type = LicitLexer::DOT; break;
      case '+': type = LicitLexer::PLUS; break;
      case '-': type = LicitLexer::MINUS; break;
      case '*': type = LicitLexer::STAR; break;
      case '/': type = LicitLexer::SLASH; break;
      case '%': type = LicitLexer::PERCENT; break;
      case '?': type = LicitLexer::QUESTION; break;
      case '=':
        if (at(end) == '=') ++end;
        type = end - start == 2 ? LicitLexer::EQ : LicitLexer::ASSIGN;
        break;
      case '!':  // NE; a lone `!` is an ERROR_CHAR
        if (at(end) == '=') {
          ++end;
          type = LicitLexer::NE;
        }
        break;
      case '<':
        if (at(end) == '=') ++end;
        type = end - start == 2 ? LicitLexer::LE : LicitLexer::LT;
        break;
      case '>':
        if (at(end) == '=') ++end;
        type = end - start == 2 ? LicitLexer::GE : LicitLexer::GT;
        break;
      default:
        if (IsDigit(c)) {
          // INT, DECIMAL, MONTH, DATE or MONEY: the longest (MONEY first on a tie, then DATE,
          // MONTH, DECIMAL, INT; no two of them can match the same length).
          size_t digits = start;
          while (IsDigit(at(digits))) ++digits;
          end = digits;
          type = LicitLexer::INT;
          size_t amount = digits;  // MONEY's number: DIGITS ('.' DIGITS)?
          if (at(digits) == '.' && IsDigit(at(digits + 1))) {
            amount = digits + 1;
            while (IsDigit(at(amount))) ++amount;
            end = amount;
            type = LicitLexer::DECIMAL;
          }
          if (digits - start == 4 && at(start + 4) == '-' && IsDigit(at(start + 5)) &&
              IsDigit(at(start + 6))) {
            if (at(start + 7) == '-' && IsDigit(at(start + 8)) && IsDigit(at(start + 9))) {
              end = start + 10;
              type = LicitLexer::DATE;
            } else {
              end = start + 7;
              type = LicitLexer::MONTH;
            }
          }
          // MONEY: the number, spaces or tabs, three capitals, and no name character after them
          // (its predicate: `5 USDX` is not money). Longer than INT or DECIMAL when it matches,
          // and never with MONTH or DATE (those have a `-` where it has its space).
          size_t code = amount;
          while (at(code) == ' ' || at(code) == '\t') ++code;
          if (code > amount && IsUpper(at(code)) && IsUpper(at(code + 1)) &&
              IsUpper(at(code + 2)) && !IsNameChar(at(code + 3))) {
            end = code + 3;
            type = LicitLexer::MONEY;
          }
        } else if (IsNameStart(c)) {  // NAME, or the keyword it spells
          end = name_end(start);
          type = LicitLexer::NAME;
          name_.clear();
          for (size_t i = start; i < end; ++i) name_.push_back(static_cast<char>(at(i)));
          if (auto it = keywords_->find(name_); it != keywords_->end()) type = it->second;
        }
        break;  // anything else: one ERROR_CHAR
    }
    // No token but WS holds a line break: the column moves on by the token's length.
    at_ = end;
    const size_t column = column_;
    column_ += end - start;
    return antlr4::CommonTokenFactory::DEFAULT->create(source_, type, "", channel, start, end - 1,
                                                       line_, column);
  }
}

}  // namespace licit::syntax
