// The JSON Lines reader's fast path (internal to io/): a strict, allocation-free scanner
// for the records screening files are made of (flat or nested objects of plain strings, numbers,
// booleans, nulls and arrays), decoding straight into the record's slots.
//
// It either decodes a line completely, with exactly the record the general path (simdjson
// On-Demand, jsonl_reader.cpp) would produce, or declines, and the caller clears the record and
// decodes the line with the general path. It declines on everything it does not handle itself:
// malformed JSON of any kind, string escapes, non-ASCII bytes outside valid UTF-8 strings, money
// objects, nesting deeper than 64, and every field error (wrong type, bad value, missing required
// field). So error messages keep one source (the general path), and the fast path can only be
// wrong by accepting a line the general path would treat differently: it accepts strict JSON only,
// decodes each value with the general path's own functions (DecodeScalar, FindChild,
// RequiredFieldsPresent), and tests/unit (record_reader_test.cpp) compares the two on valid,
// mutated and hostile lines.
//
// Why: the general path costs about 4,000 instructions per reference record (simdjson's stage 1
// plus its portable On-Demand walk, since the build targets baseline x86-64); this scanner about
// a quarter of that, which is what takes `licit run` past a million records per second.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"

namespace licit::io::internal {

class FastJsonDecoder {
 public:
  explicit FastJsonDecoder(const rt::RecordLayout& layout);

  // Decodes `line` (one JSON object) into `record`, which the caller has cleared. True when the
  // line was decoded completely and without error; false when the general path must decode it
  // (the record is then partly written and must be cleared again).
  bool Decode(std::string_view line, rt::Record& record);

  // Whether `string` fields may point into the line instead of being copied into the record:
  // for callers whose line outlives every use of the record (JsonLineDecoder::DecodeBlock, whose
  // block is alive while each record is judged). Codes are still copied (they are upper-cased).
  void set_borrow_strings(bool borrow) { borrow_strings_ = borrow; }

 private:
  // Field, Scalar, String, Number and ExpectedKey are defined always_inline (json_fast.cpp):
  // inlined into Object, a record's decoding takes a fifth fewer instructions (no calls, and no
  // out-parameters through memory), the largest single saving of `licit run` (bench/README.md,
  // "licit run to a file").
  template <class Element>
  bool Sequence(char close, Element&& element);
  template <class Value>
  bool Member(Value&& value);
  bool Colon();
  bool Object(const std::vector<uint32_t>& children, rt::Record& record);
  // After Object(children, ...): whether the record has every required field of `children`.
  bool AllRequiredPresent(const std::vector<uint32_t>& children, const rt::Record& record) const;
  bool Field(uint32_t slot_index, rt::Record& record);
  bool Scalar(rt::ValueKind kind, rt::Record& record, rt::Value& out);
  bool String(std::string_view& out);
  bool Number(std::string_view& out);
  bool Literal(std::string_view word);
  bool Skip();  // a value of a field the layout does not have: validated, not decoded
  void SkipWhitespace() {
    // Records rarely have whitespace between tokens: one test in the usual case.
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  // Whether the next key and its colon are exactly `"name":` (then consumed), as records
  // written by programs have them: no scan of the key's bytes, no separate colon.
  bool ExpectedKey(uint32_t slot);

  const rt::RecordLayout& layout_;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  int depth_ = 0;
  std::vector<rt::Value> items_;  // a set's or list's elements before they are stored
  std::string scratch_;           // DecodeScalar's error text (the line is then declined)
  struct Key {
    std::string text;  // `"name":`
    size_t size = 0;
    uint64_t words[2] = {}, masks[2] = {};  // text's first 16 bytes, for ExpectedKey
  };
  std::vector<Key> keys_;  // per slot
  bool borrow_strings_ = false;
  bool complete_ = false;  // the last Object held each of its fields once, in declaration order
};

}  // namespace licit::io::internal
