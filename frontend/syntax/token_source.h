// Lexing with layout: turns a source file into the token list the parser reads. Internal to the
// syntax phase (includes ANTLR types).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "LicitLexer.h"
#include "base/diagnostic.h"
#include "base/source.h"
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
};

struct LexedFile {
  std::vector<std::unique_ptr<antlr4::Token>> tokens;  // SEP-separated, ends with EOF
  bool too_deep = false;  // bracket nesting exceeded the limit: the parser is not run
};

// Lexes `file` (which must be valid UTF-8) and applies the layout rule: a SEP token goes before
// every token that starts in column 1 outside brackets. Reports unexpected characters (dropped),
// unterminated strings (kept as strings) and bracket nesting over kMaxNestingDepth.
// The tokens point back at `lexer`, so it must outlive them (ANTLR's error recovery asks a
// token for its source).
LexedFile LexWithLayout(const SourceFile& file, licit_gen::LicitLexer& lexer,
                        const OffsetMap& offsets, DiagnosticSink& diags);

// Does a token of this type begin a declaration (`rule`, `let`, ...)?
bool StartsDeclaration(size_t type);

// A readable name for a token type in messages: "`rule`", "a name", "a date", "end of file".
std::string DescribeTokenType(size_t type, const antlr4::dfa::Vocabulary& vocab);

}  // namespace licit::syntax
