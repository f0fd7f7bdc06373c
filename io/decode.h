// Shared by the JSON Lines and CSV readers (internal to io/): turning one field's text into
// a Value of the slot's kind, with the error wording both formats use, and the bounded line
// source both stream through.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "io/record_reader.h"

namespace licit::io::internal {

// The longest input line (or CSV record) a reader buffers is io::kMaxLineLength; a longer one
// becomes an error result ("line too long") and is skipped without being held in memory. Every
// line handed out is followed by io::kBlockPadding readable bytes, so simdjson can parse in place.

// What a value of `kind` looks like, for "expected ..." messages: `money like "1200.00 USD"`.
std::string Expected(rt::ValueKind kind);
// A short rendering of offending input for messages: quotes strings, cuts long text.
std::string Found(std::string_view text, bool quote);

// Decodes the text of a scalar (string, bool, int, decimal, date, country, money, code) into
// `out`, storing strings in `record`. `from_json_string`: the text was a JSON string (so bool and
// int, which JSON writes unquoted, are refused). False with `error` set (without the field
// prefix: "unknown country code `XX` (did you mean `..`?)").
bool DecodeScalar(rt::ValueKind kind, std::string_view text, bool from_json_string,
                  rt::Record& record, rt::Value& out, std::string& error);

// Whether `text` is a number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view text);

// A JSON number's text ("1.5e3") as plain decimal text ("1500") for rt::Decimal::Parse; the input
// unchanged when it has no exponent. Empty when the exponent is absurd.
std::string PlainNumber(std::string_view number);

// The slot among `children` (a record level's field slots) named `key`, or -1. Objects usually
// list their fields in declaration order, so the child after the previous match (`hint`, 0 for a
// new object) is tried first.
int32_t FindChild(const rt::RecordLayout& layout, const std::vector<uint32_t>& children,
                  std::string_view key, size_t& hint);

// The first required field among `children` (in declaration order) that `record` lacks, or null.
const rt::FieldSlot* FirstMissingRequired(const rt::RecordLayout& layout,
                                          const std::vector<uint32_t>& children,
                                          const rt::Record& record);

// ReadJsonRecord without the fast path (json_fast.h): simdjson alone. For the tests that compare
// the two.
bool ReadJsonRecordGeneral(std::string_view json, rt::Record& record, std::string& error);

// Reads an istream in fixed-size chunks and hands out lines (without the '\n' or a trailing '\r'),
// never holding more than one line plus one chunk. A line longer than `max_line` is reported as
// too long (its text is not returned) and skipped.
class LineSource {
 public:
  LineSource(std::istream& input, size_t max_line = kMaxLineLength, size_t chunk = size_t{1} << 20);

  // False at end of input. `line` stays valid until the next call and is followed by at least
  // kBlockPadding readable bytes.
  bool Next(std::string_view& line, uint64_t& number, bool& too_long);

 private:
  bool Fill();  // reads one more chunk after the data; false at end of input

  std::istream& input_;
  size_t max_line_;
  size_t chunk_;
  std::unique_ptr<char[]> buf_;
  size_t capacity_ = 0;  // usable bytes of buf_ (padding excluded)
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  uint64_t line_ = 0;
};

std::unique_ptr<RecordReader> MakeJsonLinesReader(std::istream& input,
                                                  const rt::RecordLayout& layout);
std::unique_ptr<RecordReader> MakeCsvReader(std::istream& input, const rt::RecordLayout& layout);

}  // namespace licit::io::internal
