// The JSON Lines fast path: see json_fast.h for what it accepts and why it may decline.

#include "io/json_fast.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#include <simdjson.h>

#include "io/decode.h"

namespace licit::io::internal {
namespace {

// Deeper than this, the general path decides (simdjson allows 1,024 levels; records have 2 or 3).
constexpr int kMaxDepth = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

FastJsonDecoder::FastJsonDecoder(const rt::RecordLayout& layout) : layout_(layout) {
  keys_.reserve(layout.slots.size());
  for (const rt::FieldSlot& slot : layout.slots) {
    Key& key = keys_.emplace_back();
    key.text.reserve(slot.name.size() + 3);
    key.text += '"';
    key.text += slot.name;
    key.text += "\":";
    key.size = key.text.size();
    // The first 16 bytes as two little-endian words (zero-padded), and masks of the bytes used.
    char bytes[16] = {}, mask[16] = {};
    for (size_t i = 0; i < std::min<size_t>(key.size, 16); ++i) {
      bytes[i] = key.text[i];
      mask[i] = static_cast<char>(0xFF);
    }
    std::memcpy(key.words, bytes, 16);
    std::memcpy(key.masks, mask, 16);
  }
}

bool FastJsonDecoder::Decode(std::string_view line, rt::Record& record) {
  p_ = line.data();
  end_ = p_ + line.size();
  depth_ = 0;
  SkipWhitespace();
  if (!Object(layout_.top_level, record)) return false;
  SkipWhitespace();
  return p_ == end_ && AllRequiredPresent(layout_.top_level, record);
}

// Elements separated by commas up to `close`, at *p_ (the opening bracket). `element()` reads one
// element at *p_ (never at the end of the line). Objects and arrays, decoded or skipped, share it.
template <class Element>
bool FastJsonDecoder::Sequence(char close, Element&& element) {
  if (++depth_ > kMaxDepth) return false;
  ++p_;
  SkipWhitespace();
  if (p_ < end_ && *p_ == close) {
    ++p_;
    --depth_;
    return true;
  }
  for (;;) {
    if (p_ == end_ || !element()) return false;
    SkipWhitespace();
    if (p_ == end_) return false;
    if (*p_ == close) {
      ++p_;
      --depth_;
      return true;
    }
    if (*p_ != ',') return false;
    ++p_;
    SkipWhitespace();
  }
}

// One `"key": value` member: `value(key)` reads the value at *p_ (never at the end).
template <class Value>
bool FastJsonDecoder::Member(Value&& value) {
  std::string_view key;
  if (!String(key)) return false;
  return Colon() && value(key);
}

bool FastJsonDecoder::Colon() {
  SkipWhitespace();
  if (p_ == end_ || *p_ != ':') return false;
  ++p_;
  SkipWhitespace();
  return p_ != end_;
}

// `{` members `}`, at *p_.
bool FastJsonDecoder::Object(const std::vector<uint32_t>& children, rt::Record& record) {
  if (p_ == end_ || *p_ != '{') return false;
  size_t hint = 0;
  bool in_order = true;  // every member so far was the field after the previous one
  const bool ok = Sequence('}', [&] {
    // Objects usually list their fields in declaration order: the field after the previous
    // match is tried first, without scanning its key (as FindChild would, with the same result).
    if (hint < children.size() && ExpectedKey(children[hint])) {
      const uint32_t slot = children[hint++];
      SkipWhitespace();
      return p_ != end_ && Field(slot, record);
    }
    in_order = false;
    return Member([&](std::string_view key) {
      const int32_t slot = FindChild(layout_, children, key, hint);
      return slot < 0 ? Skip() : Field(static_cast<uint32_t>(slot), record);
    });
  });
  // Each field exactly once, in declaration order: every field is present, and none of them is
  // an unknown unless it is optional (Field declines a null of a required field).
  complete_ = ok && in_order && hint == children.size();
  return ok;
}

bool FastJsonDecoder::AllRequiredPresent(const std::vector<uint32_t>& children,
                                         const rt::Record& record) const {
  return complete_ || FirstMissingRequired(layout_, children, record) == nullptr;
}

[[gnu::always_inline]] inline bool FastJsonDecoder::ExpectedKey(uint32_t slot) {
  // A field name holds no quote, backslash or control character, so `"name":` is that key and
  // its colon. (`"name" :`, with a space, goes the general way: Member and FindChild.)
  const Key& key = keys_[slot];
  if (key.size <= 16 && end_ - p_ >= 16) {
    // Two word compares under masks instead of a call to memcmp (almost every field name).
    uint64_t lo, hi;
    std::memcpy(&lo, p_, 8);
    std::memcpy(&hi, p_ + 8, 8);
    if (((lo ^ key.words[0]) & key.masks[0]) != 0 || ((hi ^ key.words[1]) & key.masks[1]) != 0) {
      return false;
    }
  } else if (static_cast<size_t>(end_ - p_) < key.size ||
             std::memcmp(p_, key.text.data(), key.size) != 0) {
    return false;
  }
  p_ += key.size;
  return true;
}

// The value of a known field, at *p_ (not at the end). Mirrors JsonDecoder::DecodeValue's
// successful cases; each of its errors declines instead.
[[gnu::always_inline]] inline bool FastJsonDecoder::Field(uint32_t slot_index, rt::Record& record) {
  const rt::FieldSlot& slot = layout_.slots[slot_index];
  rt::Value& out = record.slot(slot_index);
  if (*p_ == 'n') {
    if (!Literal("null") || !slot.optional) return false;
    out = rt::Value::Unknown(slot.kind == rt::ValueKind::Record ? rt::kMissing : rt::kNull);
    return true;
  }
  switch (slot.kind) {
    case rt::ValueKind::Record:
      out = rt::Value::RecordPresent();
      return Object(slot.children, record) && AllRequiredPresent(slot.children, record);
    case rt::ValueKind::Set:
    case rt::ValueKind::List: {
      if (*p_ != '[') return false;
      items_.clear();
      if (!Sequence(']', [&] {
            rt::Value v;
            if (!Scalar(slot.element, record, v)) return false;
            items_.push_back(v);
            return true;
          })) {
        return false;
      }
      if (slot.kind == rt::ValueKind::Set) rt::SortUnique(items_);
      rt::ValueSpan span = record.StoreItems(items_.data(), static_cast<uint32_t>(items_.size()));
      out = slot.kind == rt::ValueKind::Set ? rt::Value::Set(span) : rt::Value::List(span);
      return true;
    }
    default: return Scalar(slot.kind, record, out);
  }
}

// A scalar of `kind`, at *p_ (not at the end). Mirrors JsonDecoder::DecodeScalarValue.
[[gnu::always_inline]] inline bool FastJsonDecoder::Scalar(rt::ValueKind kind, rt::Record& record,
                                                           rt::Value& out) {
  const char c = *p_;
  if (c == '"') {
    std::string_view text;
    if (!String(text)) return false;
    if (kind == rt::ValueKind::String && borrow_strings_) {
      // DecodeScalar's string case, without the copy (an empty string stays null, as Store's).
      out = rt::Value::String(text.empty() ? std::string_view() : text);
      return true;
    }
    // Bool and Int refuse JSON strings inside DecodeScalar (an error: declined).
    return DecodeScalar(kind, text, /*from_json_string=*/true, record, out, scratch_);
  }
  if (c == '-' || IsDigit(c)) {
    std::string_view raw;
    if (!Number(raw)) return false;
    if (kind == rt::ValueKind::Decimal)
      return DecodeScalar(kind, raw, false, record, out, scratch_);
    if (kind != rt::ValueKind::Int) return false;
    // What simdjson's get_int64 accepts, up to 18 digits (longer ones: the general path).
    const bool negative = raw.front() == '-';
    std::string_view digits = negative ? raw.substr(1) : raw;
    if (digits.size() > 18 || (negative && digits == "0")) return false;
    int64_t v = 0;
    for (char d : digits) {
      if (!IsDigit(d)) return false;  // a fraction or an exponent: not an integer
      v = v * 10 + (d - '0');
    }
    out = rt::Value::Int(negative ? -v : v);
    return true;
  }
  if (c == 't' || c == 'f') {
    if (kind != rt::ValueKind::Bool || !Literal(c == 't' ? "true" : "false")) return false;
    out = rt::Value::Bool(c == 't');
    return true;
  }
  return false;  // null (an error for a scalar), objects (money objects), arrays
}

// A string without escapes, at *p_; its bytes must be valid UTF-8 and hold no control
// characters.
[[gnu::always_inline]] inline bool FastJsonDecoder::String(std::string_view& out) {
  if (p_ == end_ || *p_ != '"') return false;
  const char* begin = ++p_;
  bool ascii = true;
  for (;;) {
    // Eight bytes at a time while they are plain (no quote, backslash, control or non-ASCII
    // byte): the lowest flagged byte of `special` is exactly the first such byte.
    while (end_ - p_ >= 8) {
      uint64_t x;
      std::memcpy(&x, p_, 8);
      constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
      const uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
      const uint64_t special = (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                                ((x - kOnes * 0x20) & ~x) | x) &
                               kHigh;
      if (special != 0) {
        p_ += std::countr_zero(special) / 8;
        break;
      }
      p_ += 8;
    }
    if (p_ == end_) return false;
    const auto b = static_cast<unsigned char>(*p_);
    if (b == '"') break;
    if (b == '\\' || b < 0x20) return false;
    if (b >= 0x80) ascii = false;
    ++p_;
  }
  out = std::string_view(begin, static_cast<size_t>(p_ - begin));
  ++p_;
  return ascii || simdjson::validate_utf8(out.data(), out.size());
}

// A number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
[[gnu::always_inline]] inline bool FastJsonDecoder::Number(std::string_view& out) {
  const char* begin = p_;
  if (p_ < end_ && *p_ == '-') ++p_;
  if (p_ == end_ || !IsDigit(*p_)) return false;
  if (*p_ == '0') {
    ++p_;
  } else {
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    while (p_ < end_ && IsDigit(*p_)) ++p_;
  }
  out = std::string_view(begin, static_cast<size_t>(p_ - begin));
  return true;
}

bool FastJsonDecoder::Literal(std::string_view word) {
  if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
    return false;
  }
  p_ += word.size();
  // `nullx`: the caller finds no `,` `}` or `]` next and declines.
  return true;
}

bool FastJsonDecoder::Skip() {
  switch (*p_) {
    case '"': {
      std::string_view s;
      return String(s);
    }
    case 't': return Literal("true");
    case 'f': return Literal("false");
    case 'n': return Literal("null");
    case '{':
      return Sequence('}', [&] { return Member([&](std::string_view) { return Skip(); }); });
    case '[': return Sequence(']', [&] { return Skip(); });
    default: {
      std::string_view n;
      return Number(n);
    }
  }
}

}  // namespace licit::io::internal
