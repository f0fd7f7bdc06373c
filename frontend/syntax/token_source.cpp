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

// As ANTLRInputStream does, on a text of one unit per byte.
void AsciiInputStream::consume() {
  if (p_ >= text_.size()) throw antlr4::IllegalStateException("cannot consume EOF");
  ++p_;
}

size_t AsciiInputStream::LA(ssize_t i) {
  if (i == 0) return 0;  // undefined
  ssize_t at = static_cast<ssize_t>(p_) + (i < 0 ? i : i - 1);
  if (at < 0 || at >= static_cast<ssize_t>(text_.size())) return antlr4::IntStream::EOF;
  return static_cast<unsigned char>(text_[static_cast<size_t>(at)]);
}

void AsciiInputStream::seek(size_t index) {
  p_ = index <= p_ ? index : std::min(index, text_.size());
}

std::string AsciiInputStream::getSourceName() const {
  return antlr4::IntStream::UNKNOWN_SOURCE_NAME;
}

std::string AsciiInputStream::getText(const antlr4::misc::Interval& interval) {
  if (interval.a < 0 || interval.b < 0) return {};
  const size_t start = static_cast<size_t>(interval.a);
  const size_t stop = std::min(static_cast<size_t>(interval.b), text_.size() - 1);
  if (start >= text_.size()) return {};
  // As ANTLR counts: a stop before the start wraps around and reads to the end.
  return std::string(text_.substr(start, stop - start + 1));
}

namespace {

// Read in place when the text is ASCII, as almost every policy is.
std::unique_ptr<antlr4::CharStream> InputStreamFor(const std::string& text,
                                                   const OffsetMap& offsets) {
  if (offsets.ascii()) return std::make_unique<AsciiInputStream>(text);
  return std::make_unique<Utf8InputStream>(text);
}

// The scanner over what `input` (made by InputStreamFor) reads.
Scanner ScannerFor(const std::string& text, const OffsetMap& offsets, antlr4::CharStream& input,
                   LicitLexer& lexer) {
  if (offsets.ascii()) return Scanner(std::string_view(text), lexer);
  return Scanner(static_cast<Utf8InputStream&>(input).code_points(), lexer);
}

}  // namespace

FileLexer::FileLexer(const SourceFile& source)
    : file(source),
      offsets(source.text()),
      input(InputStreamFor(source.text(), offsets)),
      lexer(input.get()),
      scanner(ScannerFor(source.text(), offsets, *input, lexer)) {}

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

LayoutLexer::LayoutLexer(FileLexer& lexing, DiagnosticSink& diags)
    : lexing_(lexing), diags_(diags) {}

std::unique_ptr<antlr4::Token> LayoutLexer::MakeSep(const antlr4::Token& next) {
  LicitLexer& lexer = lexing_.lexer;
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

std::unique_ptr<antlr4::Token> LayoutLexer::Next() {
  if (pending_) return std::move(pending_);
  if (done_) return nullptr;
  const FileId file_id = lexing_.file.id();
  // Random bytes would otherwise yield one diagnostic per byte.
  constexpr size_t kMaxStrayReports = 20;
  for (;;) {
    std::unique_ptr<antlr4::Token> token = lexing_.scanner.Next();
    size_t type = token->getType();
    if (type == antlr4::Token::EOF) {
      done_ = true;
      return token;
    }
    Span span = lexing_.offsets.TokenSpan(file_id, token.get());
    if (type == LicitLexer::ERROR_CHAR) {
      // A run of adjacent stray characters (`&&`, `||`) is one mistake: report it once.
      std::string text = token->getText();
      // Compare the count before touching last_error_: any report since may have moved it.
      if (last_error_ && last_error_count_ == diags_.all().size() &&
          last_error_->span.end == span.begin) {
        last_error_->span.end = span.end;
        last_error_text_ += text;
        last_error_->message =
            fmt::format("unexpected characters `{}`", Printable(last_error_text_));
        continue;
      }
      if (++stray_count_ > kMaxStrayReports) {
        if (stray_count_ == kMaxStrayReports + 1) {
          diags_.Report(DiagKind::UnexpectedCharacter, span, "more unexpected characters follow")
              .Note("only the first few are shown; is this a policy file?");
        }
        last_error_ = nullptr;
        continue;
      }
      auto& d = diags_.Report(DiagKind::UnexpectedCharacter, span,
                              fmt::format("unexpected character `{}`", Printable(text)));
      if (std::string help = HelpForCharacter(text); !help.empty()) d.Help(help);
      last_error_ = &d;
      last_error_text_ = text;
      last_error_count_ = diags_.all().size();
      continue;
    }
    if (type == LicitLexer::UNTERMINATED_STRING) {
      diags_.Report(DiagKind::UnterminatedString, span, "unterminated string")
          .Label("this string has no closing `\"` on its line")
          .Help("strings cannot span lines; write `\\n` for a line break");
      auto* common = static_cast<antlr4::CommonToken*>(token.get());
      common->setType(LicitLexer::STRING);
      common->setText(token->getText() + "\"");
    }
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL) return token;
    bool column_one = token->getCharPositionInLine() == 0;
    if (first_ && !column_one) {
      diags_.Report(DiagKind::IndentedDeclaration, span, "the first declaration is indented")
          .Label("this should start in column 1")
          .Help(
              "every declaration starts in column 1; indented lines continue the declaration "
              "above");
    }
    if (depth_ > 0 && column_one && StartsDeclaration(type)) {
      // An unclosed bracket would otherwise swallow the rest of the file; a declaration keyword
      // in column 1 is almost certainly a new declaration, so resynchronise here. The parser
      // then reports the missing closing bracket at this point.
      depth_ = 0;
    }
    const bool starts_declaration = first_ || (depth_ == 0 && column_one);
    first_ = false;
    switch (type) {
      case LicitLexer::LPAREN:
      case LicitLexer::LBRACE:
      case LicitLexer::LBRACKET:
        if (++depth_ > kMaxNestingDepth && !too_deep_) {
          too_deep_ = true;
          diags_
              .Report(DiagKind::NestingTooDeep, span,
                      fmt::format("brackets are nested more than {} deep", kMaxNestingDepth))
              .Label("this bracket is too deep")
              .Help("split the expression with `let` or `class` declarations");
        }
        break;
      case LicitLexer::RPAREN:
      case LicitLexer::RBRACE:
      case LicitLexer::RBRACKET:
        if (depth_ > 0) --depth_;
        break;
      default: break;
    }
    if (!starts_declaration) return token;
    pending_ = std::move(token);
    return MakeSep(*pending_);
  }
}

LexedFile LexWithLayout(FileLexer& lexing, DiagnosticSink& diags) {
  LayoutLexer layout(lexing, diags);
  LexedFile out;
  while (std::unique_ptr<antlr4::Token> token = layout.Next())
    out.tokens.push_back(std::move(token));
  out.too_deep = layout.too_deep();
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
