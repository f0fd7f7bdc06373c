// Lexing with layout: turns a source file into the tokens the parser reads, all at once or one
// declaration at a time. Internal to the syntax phase (includes ANTLR types).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "LicitLexer.h"
#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/syntax/parser_cache.h"
#include "frontend/syntax/scanner.h"
#include "licit_antlr.h"

namespace licit::syntax {

// ANTLR indexes characters by code point; diagnostics use byte offsets. This maps one to the other.
// An ASCII text (almost every policy) needs no table: code point i is byte i.
class OffsetMap {
 public:
  explicit OffsetMap(const std::string& utf8);
  uint32_t ByteOffset(size_t code_point_index) const;
  // The byte span of a token (ANTLR stop indices are inclusive).
  Span TokenSpan(FileId file, const antlr4::Token* token) const;
  bool ascii() const { return byte_of_cp_.empty(); }

 private:
  uint32_t size_ = 0;                 // the text's bytes
  std::vector<uint32_t> byte_of_cp_;  // empty for ASCII text; else per code point, then size_
};

// ANTLR's character stream over a UTF-8 text (which must be valid), decoded into a buffer of
// exactly one 32-bit unit per code point. ANTLR 4.9's own constructor (antlrcpp::utf8_to_utf32)
// leaves 20 bytes of heap per source byte: 44 MB for a 10,000-rule policy, the largest single
// item of `licit check`'s peak memory. Same code points as ANTLR's, a leading byte-order mark
// dropped as ANTLR drops it.
class Utf8InputStream : public antlr4::ANTLRInputStream {
 public:
  explicit Utf8InputStream(std::string_view utf8);
  std::u32string_view code_points() const { return _data; }
};

// ANTLR's character stream over an ASCII text, read in place: for almost every policy the buffer
// of Utf8InputStream (4 bytes per source byte, 8.8 MB for a 10,000-rule policy) is only a copy of
// the text. The same code points, indices and texts as ANTLRInputStream. `ascii` (no byte
// of 0x80 or above, so no byte-order mark) must outlive the stream.
class AsciiInputStream : public antlr4::CharStream {
 public:
  explicit AsciiInputStream(std::string_view ascii) : text_(ascii) {}
  void consume() override;
  size_t LA(ssize_t i) override;
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override;
  size_t size() override { return text_.size(); }
  std::string getSourceName() const override;
  std::string getText(const antlr4::misc::Interval& interval) override;
  std::string toString() const override { return std::string(text_); }

 private:
  std::string_view text_;
  size_t p_ = 0;
};

struct LexedFile {
  std::vector<std::unique_ptr<antlr4::Token>> tokens;  // SEP-separated, ends with EOF
  bool too_deep = false;  // bracket nesting exceeded the limit: the parser is not run
};

// The lexing half of the syntax phase, set up the one way every user (the parser's two paths,
// `licit dump --emit=tokens`, the formatter's check) sets it up: a lease on ANTLR's shared caches
// (parser_cache.h; first, so it outlives the parser), the byte offsets, the character stream
// (read in place for ASCII text, which `file` must keep alive), the generated lexer, and the
// scanner that makes its tokens (scanner.h: the generated lexer is their source, for ANTLR, and
// never runs). The tokens point back at `lexer`, so it must outlive them (ANTLR's error recovery
// asks a token for its source). Make it on the thread that lexes (the lease is a lock).
struct FileLexer {
  explicit FileLexer(const SourceFile& file);
  const SourceFile& file;
  ParserCacheLease lease;
  OffsetMap offsets;
  std::unique_ptr<antlr4::CharStream> input;
  licit_gen::LicitLexer lexer;
  Scanner scanner;
};

// The lexer's tokens with the layout rule applied, one at a time: a SEP token goes before every
// token that starts in column 1 outside brackets. Reports unexpected characters (dropped),
// unterminated strings (kept as strings) and bracket nesting over kMaxNestingDepth as the
// tokens are read, so a caller that reads one declaration at a time holds only that
// declaration's tokens.
class LayoutLexer {
 public:
  LayoutLexer(FileLexer& lexing, DiagnosticSink& diags);
  // The next token (hidden-channel comments included); EOF last, then null.
  std::unique_ptr<antlr4::Token> Next();
  // Bracket nesting has exceeded the limit in what was read so far: the parser is not run.
  bool too_deep() const { return too_deep_; }

 private:
  std::unique_ptr<antlr4::Token> MakeSep(const antlr4::Token& next);

  FileLexer& lexing_;
  DiagnosticSink& diags_;
  std::unique_ptr<antlr4::Token> pending_;  // the token a SEP was returned for
  bool done_ = false;                       // EOF returned
  int depth_ = 0;
  bool first_ = true;
  bool too_deep_ = false;
  Diagnostic* last_error_ = nullptr;  // valid while no other diagnostic was reported since
  std::string last_error_text_;
  size_t last_error_count_ = 0;
  size_t stray_count_ = 0;
};

// The whole file through LayoutLexer, for the paths that need every token at once (the whole-file
// parse, the token dump, the formatter).
LexedFile LexWithLayout(FileLexer& lexing, DiagnosticSink& diags);

// Does a token of this type begin a declaration (`rule`, `let`, ...)?
bool StartsDeclaration(size_t type);

// A readable name for a token type in messages: "`rule`", "a name", "a date", "end of file".
std::string DescribeTokenType(size_t type, const antlr4::dfa::Vocabulary& vocab);

}  // namespace licit::syntax
