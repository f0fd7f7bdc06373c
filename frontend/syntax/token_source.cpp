#include "frontend/syntax/token_source.h"

#include <fmt/format.h>

#include "LicitLexer.h"
#include "frontend/syntax/parse.h"

namespace licit::syntax {

using licit_gen::LicitLexer;

OffsetMap::OffsetMap(const std::string& utf8) : size_(static_cast<uint32_t>(utf8.size())) {
  bool ascii = true;
  for (char c : utf8) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) return;
  byte_of_cp_.reserve(utf8.size() + 1);
  for (uint32_t i = 0; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80) byte_of_cp_.push_back(i);
  }
  byte_of_cp_.push_back(size_);
}

uint32_t OffsetMap::ByteOffset(size_t cp) const {
  if (byte_of_cp_.empty()) return cp >= size_ ? size_ : static_cast<uint32_t>(cp);
  if (cp >= byte_of_cp_.size()) return byte_of_cp_.back();
  return byte_of_cp_[cp];
}

Span OffsetMap::TokenSpan(FileId file, const antlr4::Token* token) const {
  if (token->getType() == antlr4::Token::EOF) return Span{file, size_, size_};
  size_t start = token->getStartIndex();
  size_t stop = token->getStopIndex();
  uint32_t b = ByteOffset(start);
  uint32_t e = stop + 1 >= start ? ByteOffset(stop + 1) : b;
  return Span{file, b, std::max(b, e)};
}

Utf8InputStream::Utf8InputStream(std::string_view utf8) {
  if (utf8.substr(0, 3) == "\xEF\xBB\xBF") utf8.remove_prefix(3);
  size_t code_points = 0;
  for (char c : utf8) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  _data.resize(code_points);
  size_t out = 0;
  for (size_t i = 0; i < utf8.size();) {
    const unsigned char lead = static_cast<unsigned char>(utf8[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = length == 1   ? lead
                  : length == 2 ? lead & 0x1F
                  : length == 3 ? lead & 0x0F
                                : lead & 0x07;
    for (size_t k = 1; k < length && i + k < utf8.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    _data[out++] = static_cast<decltype(_data)::value_type>(cp);
    i += length;
  }
  p = 0;
}

bool StartsDeclaration(size_t type) {
  switch (type) {
    case LicitLexer::POLICY:
    case LicitLexer::IMPORT:
    case LicitLexer::RECORD:
    case LicitLexer::INPUT:
    case LicitLexer::LET:
    case LicitLexer::CLASS:
    case LicitLexer::GROUP:
    case LicitLexer::RULE:
    case LicitLexer::EXCEPTION:
    case LicitLexer::SUSPEND:
    case LicitLexer::DEFAULT:
    case LicitLexer::TEST: return true;
    default: return false;
  }
}

namespace {

std::unique_ptr<antlr4::Token> MakeSep(LicitLexer& lexer, const antlr4::Token& next) {
  auto sep = std::make_unique<antlr4::CommonToken>(
      std::pair<antlr4::TokenSource*, antlr4::CharStream*>(&lexer, lexer.getInputStream()),
      LicitLexer::SEP, antlr4::Token::DEFAULT_CHANNEL, next.getStartIndex(),
      next.getStartIndex() - 1);
  sep->setText("<declaration>");
  sep->setLine(next.getLine());
  sep->setCharPositionInLine(next.getCharPositionInLine());
  sep->setStartIndex(next.getStartIndex());
  sep->setStopIndex(next.getStartIndex() - 1);  // empty span just before the token
  sep->setChannel(antlr4::Token::DEFAULT_CHANNEL);
  return sep;
}

// Stray characters shown in messages: control characters as `U+0001`, so a binary byte never
// reaches the author's terminal raw.
std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("U+{:04X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Advice for characters people type out of habit from other languages.
std::string HelpForCharacter(std::string_view c) {
  if (c == "'") return "strings are written in double quotes: \"...\"";
  if (c == ";") return "declarations end at the end of the line; no `;` is needed";
  if (c == "&") return "write `and` for logical and";
  if (c == "|") return "write `or` for logical or";
  if (c == "!") return "write `not` for negation, or `!=` for inequality";
  if (c == "$" || c == "\u20ac" || c == "\u00a3" || c == "\u00a5") {
    return "money is written as an amount and an ISO 4217 code: `1200.00 USD`";
  }
  if (c == "\u201c" || c == "\u201d")
    return "use plain double quotes \" instead of typographic quotes";
  if (!c.empty() && static_cast<unsigned char>(c[0]) >= 0x80) {
    return "names are written with ASCII letters, digits, `_` and `-`; other text belongs in "
           "strings";
  }
  return {};
}

}  // namespace

LexedFile LexWithLayout(const SourceFile& file, LicitLexer& lexer, const OffsetMap& offsets,
                        DiagnosticSink& diags) {
  lexer.removeErrorListeners();  // ERROR_CHAR catches everything the rules do not
  LexedFile out;
  int depth = 0;
  bool first = true;
  bool reported_depth = false;
  Diagnostic* last_error = nullptr;  // valid while no other diagnostic was reported since
  std::string last_error_text;
  size_t last_error_count = 0;
  // Random bytes would otherwise yield one diagnostic per byte.
  constexpr size_t kMaxStrayReports = 20;
  size_t stray_count = 0;
  for (;;) {
    std::unique_ptr<antlr4::Token> token = lexer.nextToken();
    size_t type = token->getType();
    if (type == antlr4::Token::EOF) {
      out.tokens.push_back(std::move(token));
      break;
    }
    Span span = offsets.TokenSpan(file.id(), token.get());
    if (type == LicitLexer::ERROR_CHAR) {
      // A run of adjacent stray characters (`&&`, `||`) is one mistake: report it once.
      std::string text = token->getText();
      // Compare the count before touching last_error: any report since may have moved it.
      if (last_error && last_error_count == diags.all().size() &&
          last_error->span.end == span.begin) {
        last_error->span.end = span.end;
        last_error_text += text;
        last_error->message = fmt::format("unexpected characters `{}`", Printable(last_error_text));
        continue;
      }
      if (++stray_count > kMaxStrayReports) {
        if (stray_count == kMaxStrayReports + 1) {
          diags.Report(DiagKind::UnexpectedCharacter, span, "more unexpected characters follow")
              .Note("only the first few are shown; is this a policy file?");
        }
        last_error = nullptr;
        continue;
      }
      auto& d = diags.Report(DiagKind::UnexpectedCharacter, span,
                             fmt::format("unexpected character `{}`", Printable(text)));
      if (std::string help = HelpForCharacter(text); !help.empty()) d.Help(help);
      last_error = &d;
      last_error_text = text;
      last_error_count = diags.all().size();
      continue;
    }
    if (type == LicitLexer::UNTERMINATED_STRING) {
      diags.Report(DiagKind::UnterminatedString, span, "unterminated string")
          .Label("this string has no closing `\"` on its line")
          .Help("strings cannot span lines; write `\\n` for a line break");
      auto* common = static_cast<antlr4::CommonToken*>(token.get());
      common->setType(LicitLexer::STRING);
      common->setText(token->getText() + "\"");
    }
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) {
      out.tokens.push_back(std::move(token));
      continue;
    }
    bool column_one = token->getCharPositionInLine() == 0;
    if (first && !column_one) {
      diags.Report(DiagKind::IndentedDeclaration, span, "the first declaration is indented")
          .Label("this should start in column 1")
          .Help(
              "every declaration starts in column 1; indented lines continue the declaration "
              "above");
    }
    if (depth > 0 && column_one && StartsDeclaration(type)) {
      // An unclosed bracket would otherwise swallow the rest of the file; a declaration keyword
      // in column 1 is almost certainly a new declaration, so resynchronise here. The parser
      // then reports the missing closing bracket at this point.
      depth = 0;
    }
    if (first || (depth == 0 && column_one)) out.tokens.push_back(MakeSep(lexer, *token));
    first = false;
    switch (type) {
      case LicitLexer::LPAREN:
      case LicitLexer::LBRACE:
      case LicitLexer::LBRACKET:
        if (++depth > kMaxNestingDepth && !reported_depth) {
          reported_depth = true;
          out.too_deep = true;
          diags
              .Report(DiagKind::NestingTooDeep, span,
                      fmt::format("brackets are nested more than {} deep", kMaxNestingDepth))
              .Label("this bracket is too deep")
              .Help("split the expression with `let` or `class` declarations");
        }
        break;
      case LicitLexer::RPAREN:
      case LicitLexer::RBRACE:
      case LicitLexer::RBRACKET:
        if (depth > 0) --depth;
        break;
      default: break;
    }
    out.tokens.push_back(std::move(token));
  }
  return out;
}

std::string DescribeTokenType(size_t type, const antlr4::dfa::Vocabulary& vocab) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case LicitLexer::SEP: return "a new declaration";
    case LicitLexer::NAME: return "a name";
    case LicitLexer::QNAME: return "a `quoted` name";
    case LicitLexer::STRING: return "a string";
    case LicitLexer::UNTERMINATED_STRING: return "a string";
    case LicitLexer::INT: return "an integer";
    case LicitLexer::DECIMAL: return "a decimal";
    case LicitLexer::DATE: return "a date";
    case LicitLexer::MONTH: return "a month";
    case LicitLexer::MONEY: return "an amount of money";
    default: break;
  }
  std::string literal = vocab.getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'') {
    return fmt::format("`{}`", literal.substr(1, literal.size() - 2));
  }
  return vocab.getDisplayName(type);
}

}  // namespace licit::syntax
