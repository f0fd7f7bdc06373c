// JSON Lines: one object per line, parsed in place with simdjson On-Demand and decoded straight
// into the record's slots. Unknown keys are skipped without being decoded.

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "io/decode.h"
#include "io/json_fast.h"
#include "io/record_reader.h"

namespace licit::io {
namespace internal {
namespace {

namespace od = simdjson::ondemand;

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class JsonDecoder {
 public:
  explicit JsonDecoder(const rt::RecordLayout& layout) : layout_(layout) {}

  // Decodes one JSON document into `record` (cleared by the caller). Returns false with `error`.
  // The fast path decodes the usual line; anything else (and every error) is decoded here, by
  // simdjson, from a cleared record.
  bool Decode(simdjson::padded_string_view json, rt::Record& record, std::string& error) {
    error.clear();
    if (use_fast_path_ && fast_.Decode(json, record)) return true;
    record.Clear();
    malformed_ = false;
    od::document doc;
    if (auto e = parser_.iterate(json).get(doc)) return Malformed(e, error);
    od::json_type type;
    if (auto e = doc.type().get(type)) return Malformed(e, error);
    if (type != od::json_type::object) {
      // simdjson types a document by its first character (`nope` would pass for null), and how
      // it reads a scalar at the root depends on the bytes after the line: `nulln` was null when
      // spaces followed it (the last line of a file) and not otherwise (found by
      // fuzz_jsonl_reader). A root scalar is judged from the line's own text instead.
      std::string_view text = json;
      while (!text.empty() && IsJsonSpace(text.front())) text.remove_prefix(1);
      while (!text.empty() && IsJsonSpace(text.back())) text.remove_suffix(1);
      const bool scalar = type == od::json_type::null      ? text == "null"
                          : type == od::json_type::boolean ? text == "true" || text == "false"
                          : type == od::json_type::number  ? IsJsonNumber(text)
                                                           : true;
      if (!scalar) {
        error = "malformed JSON: not a JSON value";
        return false;
      }
      error = "expected a JSON object, found " + Describe(type);
      return false;
    }
    od::object obj;
    if (auto e = doc.get_object().get(obj)) return Malformed(e, error);
    DecodeObject(obj, layout_.top_level, record, error);
    if (malformed_) return false;
    // Anything but whitespace after the object is an error (simdjson stops at the object).
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
      error = "malformed JSON: unexpected text after the object";
      return false;
    }
    if (!error.empty()) return false;
    return CheckRequired(layout_.top_level, record, error);
  }

 private:
  static std::string Describe(od::json_type type) {
    switch (type) {
      case od::json_type::array: return "an array";
      case od::json_type::object: return "an object";
      case od::json_type::number: return "a number";
      case od::json_type::string: return "a string";
      case od::json_type::boolean: return "a boolean";
      case od::json_type::null: return "null";
    }
    return "a value";
  }

  bool Malformed(simdjson::error_code e, std::string& error) {
    malformed_ = true;
    switch (e) {
      case simdjson::UNCLOSED_STRING:
        error = "malformed JSON: unclosed string (truncated line?)";
        break;
      case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
        error = "malformed JSON: unclosed object or array (truncated line?)";
        break;
      case simdjson::EMPTY: error = "malformed JSON: empty document"; break;
      case simdjson::DEPTH_ERROR: error = "malformed JSON: nested too deeply"; break;
      case simdjson::UTF8_ERROR: error = "malformed JSON: invalid UTF-8"; break;
      default: error = std::string("malformed JSON: ") + simdjson::error_message(e); break;
    }
    return false;
  }

  bool Malformed(std::string_view what, std::string& error) {
    malformed_ = true;
    error = "malformed JSON: " + std::string(what);
    return false;
  }

  // A number's text: raw_json_token() runs on to the next structural character.
  static std::string_view NumberToken(od::value& value) {
    std::string_view raw = value.raw_json_token();
    while (!raw.empty() &&
           (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n' ||
            raw.back() == ',' || raw.back() == '}' || raw.back() == ']')) {
      raw.remove_suffix(1);
    }
    return raw;
  }

  // simdjson's type() reads only a value's first character, and On-Demand parses a scalar only
  // when asked: a number and a null must be checked whole before they are used (`01`, `1e9.-0`,
  // `nul` would pass otherwise).
  bool CheckNumber(std::string_view raw, std::string& error) {
    return IsJsonNumber(raw) || Malformed("invalid number " + Found(raw, false), error);
  }
  bool CheckNull(od::value& value, std::string& error) {
    bool is_null = false;
    return (value.is_null().get(is_null) == simdjson::SUCCESS && is_null) ||
           Malformed("not a JSON value", error);
  }

  // A value the layout has no field for (an unknown field, a money object's other members): not
  // decoded, but it must still be JSON. On-Demand skips an unread value by its brackets alone, so
  // `tru`, `01`, `"\q"` or `{"a" 1}` there passed as a record, while the fast path and RFC 8259
  // refuse them (found by fuzz_jsonl_reader).
  bool SkipValue(od::value value, std::string& error) {
    od::json_type type;
    if (auto e = value.type().get(type)) return Malformed(e, error);
    switch (type) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = value.get_object().get(obj)) return Malformed(e, error);
        for (auto field_result : obj) {
          od::field field;
          if (auto e = std::move(field_result).get(field)) return Malformed(e, error);
          std::string_view key;
          if (auto e = field.unescaped_key().get(key)) return Malformed(e, error);
          if (!SkipValue(field.value(), error)) return false;
        }
        return true;
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = value.get_array().get(arr)) return Malformed(e, error);
        for (auto element_result : arr) {
          od::value element;
          if (auto e = std::move(element_result).get(element)) return Malformed(e, error);
          if (!SkipValue(element, error)) return false;
        }
        return true;
      }
      case od::json_type::string: {
        std::string_view text;
        if (auto e = value.get_string().get(text)) return Malformed(e, error);
        return true;
      }
      case od::json_type::boolean: {
        bool b = false;
        if (auto e = value.get_bool().get(b)) return Malformed(e, error);
        return true;
      }
      case od::json_type::null: return CheckNull(value, error);
      case od::json_type::number: return CheckNumber(NumberToken(value), error);
    }
    return Malformed("not a JSON value", error);
  }

  void SetError(std::string& error, const rt::FieldSlot& slot, const std::string& what) {
    if (error.empty()) error = "field `" + slot.path + "`: " + what;
  }

  // Decodes the fields of one object level. Keeps going after a type error (so the record's id
  // is still read for the error decision); stops at malformed JSON.
  void DecodeObject(od::object& obj, const std::vector<uint32_t>& children, rt::Record& record,
                    std::string& error) {
    size_t hint = 0;
    for (auto field_result : obj) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return MalformedOver(e, error);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) {
        MalformedOver(e, error);
        return;
      }
      int32_t slot = FindChild(layout_, children, key, hint);
      if (slot < 0) {  // unknown fields are ignored, but must be JSON
        if (!SkipValue(field.value(), error)) return;
        continue;
      }
      DecodeValue(field.value(), static_cast<uint32_t>(slot), record, error);
      if (malformed_) return;
    }
  }

  // Malformed JSON replaces any earlier field error: the line cannot be trusted.
  void MalformedOver(simdjson::error_code e, std::string& error) { Malformed(e, error); }

  void DecodeValue(od::value value, uint32_t slot_index, rt::Record& record, std::string& error) {
    const rt::FieldSlot& slot = layout_.slots[slot_index];
    od::json_type type;
    if (auto e = value.type().get(type)) return MalformedOver(e, error);
    rt::Value& out = record.slot(slot_index);
    if (type == od::json_type::null) {
      if (!CheckNull(value, error)) return;
      // The brief's contract: null on an optional record is simply missing.
      out = rt::Value::Unknown(slot.kind == rt::ValueKind::Record ? rt::kMissing : rt::kNull);
      if (!slot.optional) SetError(error, slot, "null, but the field is required");
      return;
    }
    switch (slot.kind) {
      case rt::ValueKind::Record: {
        if (type != od::json_type::object) return TypeError(value, type, slot, error);
        od::object obj;
        if (auto e = value.get_object().get(obj)) return MalformedOver(e, error);
        out = rt::Value::RecordPresent();
        DecodeObject(obj, slot.children, record, error);
        if (malformed_ || !error.empty()) return;
        std::string missing;
        if (!CheckRequired(slot.children, record, missing)) error = missing;
        return;
      }
      case rt::ValueKind::Set:
      case rt::ValueKind::List: {
        if (type != od::json_type::array) return TypeError(value, type, slot, error);
        od::array arr;
        if (auto e = value.get_array().get(arr)) return MalformedOver(e, error);
        std::vector<rt::Value>& items = items_;
        items.clear();
        size_t index = 0;
        for (auto element_result : arr) {
          od::value element;
          if (auto e = std::move(element_result).get(element)) return MalformedOver(e, error);
          rt::Value v;
          std::string what;
          if (!DecodeScalarValue(element, slot.element, record, v, what)) {
            if (malformed_) {
              error = what;
              return;
            }
            SetError(error, slot, "element " + std::to_string(index + 1) + ": " + what);
            // Keep walking to consume the array; decoding the rest adds nothing.
          } else {
            items.push_back(v);
          }
          ++index;
        }
        if (!error.empty()) return;
        if (slot.kind == rt::ValueKind::Set) rt::SortUnique(items);
        rt::ValueSpan span = record.StoreItems(items.data(), static_cast<uint32_t>(items.size()));
        out = slot.kind == rt::ValueKind::Set ? rt::Value::Set(span) : rt::Value::List(span);
        return;
      }
      default: {
        rt::Value v;
        std::string what;
        if (!DecodeScalarValue(value, slot.kind, record, v, what)) {
          if (malformed_) {
            error = what;
            return;
          }
          SetError(error, slot, what);
          return;
        }
        out = v;
        return;
      }
    }
  }

  void TypeError(od::value& value, od::json_type type, const rt::FieldSlot& slot,
                 std::string& error) {
    (void)value;
    SetError(error, slot, "expected " + Expected(slot.kind) + ", found " + Describe(type));
  }

  // A scalar of `kind` from a JSON value. `what` gets the reason (without the field prefix).
  bool DecodeScalarValue(od::value& value, rt::ValueKind kind, rt::Record& record, rt::Value& out,
                         std::string& what) {
    od::json_type type;
    if (auto e = value.type().get(type)) return Malformed(e, what);
    switch (type) {
      case od::json_type::string: {
        if (kind == rt::ValueKind::Money || kind == rt::ValueKind::Bool ||
            kind == rt::ValueKind::Int || kind == rt::ValueKind::Decimal ||
            kind == rt::ValueKind::String || kind == rt::ValueKind::Date ||
            kind == rt::ValueKind::Country || kind == rt::ValueKind::Code) {
          std::string_view text;
          if (auto e = value.get_string().get(text)) return Malformed(e, what);
          return DecodeScalar(kind, text, /*from_json_string=*/true, record, out, what);
        }
        break;
      }
      case od::json_type::number: {
        const std::string_view raw = NumberToken(value);
        if (!CheckNumber(raw, what)) return false;
        if (kind == rt::ValueKind::Int) {
          int64_t i = 0;
          if (value.get_int64().get(i) == simdjson::SUCCESS) {
            out = rt::Value::Int(i);
            return true;
          }
          what = "expected an integer, found " + Found(raw, false);
          return false;
        }
        if (kind == rt::ValueKind::Decimal) {
          return DecodeScalar(kind, raw, false, record, out, what);
        }
        what = "expected " + Expected(kind) + ", found " + Found(raw, false);
        return false;
      }
      case od::json_type::boolean: {
        bool b = false;
        if (auto e = value.get_bool().get(b)) return Malformed(e, what);
        if (kind == rt::ValueKind::Bool) {
          out = rt::Value::Bool(b);
          return true;
        }
        what = "expected " + Expected(kind) + ", found " + (b ? "true" : "false");
        return false;
      }
      case od::json_type::object: {
        if (kind == rt::ValueKind::Money) return DecodeMoneyObject(value, record, out, what);
        break;
      }
      case od::json_type::null:
        if (!CheckNull(value, what)) return false;
        what = "expected " + Expected(kind) + ", found null";
        return false;
      default: break;
    }
    what = "expected " + Expected(kind) + ", found " + Describe(type);
    return false;
  }

  // {"amount": "1200.00" (or 1200.00), "currency": "USD"}
  bool DecodeMoneyObject(od::value& value, rt::Record& record, rt::Value& out, std::string& what) {
    od::object obj;
    if (auto e = value.get_object().get(obj)) return Malformed(e, what);
    std::string amount, currency;
    bool has_amount = false, has_currency = false;
    for (auto field_result : obj) {
      od::field field;
      if (auto e = std::move(field_result).get(field)) return Malformed(e, what);
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return Malformed(e, what);
      od::value v = field.value();
      od::json_type t;
      if (auto e = v.type().get(t)) return Malformed(e, what);
      if (key == "amount") {
        if (t == od::json_type::string) {
          std::string_view s;
          if (auto e = v.get_string().get(s)) return Malformed(e, what);
          amount = s;
          has_amount = true;
        } else if (t == od::json_type::number) {
          const std::string_view raw = NumberToken(v);
          if (!CheckNumber(raw, what)) return false;
          amount = PlainNumber(raw);
          has_amount = true;
        } else if (!SkipValue(v, what)) {
          return false;
        }
      } else if (key == "currency" && t == od::json_type::string) {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return Malformed(e, what);
        currency = s;
        has_currency = true;
      } else if (!SkipValue(v, what)) {
        return false;
      }
    }
    if (!has_amount || !has_currency) {
      what =
          "expected money like {\"amount\": \"1200.00\", \"currency\": \"USD\"}, found an "
          "object without " +
          std::string(!has_amount ? "a string or number `amount`" : "a string `currency`");
      return false;
    }
    return DecodeScalar(rt::ValueKind::Money, amount + " " + currency, true, record, out, what);
  }

  // Reports the first required field (in declaration order) that is still missing.
  bool CheckRequired(const std::vector<uint32_t>& children, const rt::Record& record,
                     std::string& error) const {
    if (const rt::FieldSlot* slot = FirstMissingRequired(layout_, children, record)) {
      error = "field `" + slot->path + "`: missing";
      return false;
    }
    return true;
  }

  const rt::RecordLayout& layout_;
  FastJsonDecoder fast_{layout_};
  od::parser parser_;
  std::vector<rt::Value> items_;
  bool malformed_ = false;

 public:
  // Tests turn the fast path off to compare it with the general path.
  bool use_fast_path_ = true;
  // See FastJsonDecoder::set_borrow_strings.
  void set_borrow_strings(bool borrow) { fast_.set_borrow_strings(borrow); }
};

// One line to one record and result: what JsonLinesReader::Next and JsonLineDecoder share.
// `capacity`: readable bytes from line.data() (at least line.size() + kBlockPadding).
void DecodeLine(JsonDecoder& decoder, const rt::RecordLayout& layout, std::string_view line,
                size_t capacity, uint64_t number, bool too_long, rt::Record& record,
                ReadResult& result) {
  record.Clear();
  // Reset in place (not `= ReadResult{}`): the error string keeps its capacity.
  result.line = number;
  result.ok = false;
  result.error.clear();
  result.id.reset();
  if (too_long) {
    result.error =
        "line too long (more than " + std::to_string(kMaxLineLength >> 20) + " MiB); skipped";
    return;
  }
  simdjson::padded_string_view json(line.data(), line.size(), capacity);
  result.ok = decoder.Decode(json, record, result.error);
  if (layout.id_slot >= 0) {
    const rt::Value& id = record.slot(static_cast<uint32_t>(layout.id_slot));
    if (id.kind == rt::ValueKind::String) result.id = std::string(id.text());
  }
}

class JsonLinesReader final : public RecordReader {
 public:
  JsonLinesReader(std::istream& input, const rt::RecordLayout& layout)
      : lines_(input), decoder_(layout), layout_(layout) {}

  bool Next(rt::Record& record, ReadResult& result) override {
    std::string_view line;
    uint64_t number = 0;
    bool too_long = false;
    for (;;) {
      if (!lines_.Next(line, number, too_long)) return false;
      if (too_long || !IsBlankLine(line)) break;
    }
    DecodeLine(decoder_, layout_, line, line.size() + kBlockPadding, number, too_long, record,
               result);
    return true;
  }

 private:
  LineSource lines_;
  JsonDecoder decoder_;
  const rt::RecordLayout& layout_;
};

}  // namespace

bool ReadJsonRecordGeneral(std::string_view json, rt::Record& record, std::string& error) {
  record.Clear();
  JsonDecoder decoder(record.layout());
  decoder.use_fast_path_ = false;
  simdjson::padded_string padded(json);
  return decoder.Decode(padded, record, error);
}

std::unique_ptr<RecordReader> MakeJsonLinesReader(std::istream& input,
                                                  const rt::RecordLayout& layout) {
  return std::make_unique<JsonLinesReader>(input, layout);
}

}  // namespace internal

LineBlockReader::LineBlockReader(std::istream& input, size_t block_bytes, uint64_t first_line)
    : input_(input), block_bytes_(block_bytes), next_line_(first_line) {}

namespace {

// The end of each line of `bytes` (a block: whole lines, the last perhaps without its '\n'):
// the offset of its '\n', or `size` for a last line without one. Sixteen bytes at a time where
// SSE2 is (every x86-64): a memchr call per line cost more than twice as much.
void FindLineEnds(const char* bytes, size_t size, std::vector<uint32_t>& ends) {
  size_t i = 0;
#ifdef __SSE2__
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 16 <= size; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
    for (auto mask = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, newline)));
         mask != 0; mask &= mask - 1) {
      ends.push_back(static_cast<uint32_t>(i + static_cast<size_t>(std::countr_zero(mask))));
    }
  }
#endif
  for (; i < size; ++i) {
    if (bytes[i] == '\n') ends.push_back(static_cast<uint32_t>(i));
  }
  if (size > 0 && bytes[size - 1] != '\n') ends.push_back(static_cast<uint32_t>(size));
}

}  // namespace

bool LineBlockReader::Next(LineBlock& out) {
  out.sequence = blocks_;
  out.too_long = false;
  out.ends.clear();
  auto reserve = [&out](size_t needed) {
    if (out.capacity >= needed) return;
    needed = std::max(needed, out.capacity * 2);  // a long line grows its block geometrically
    auto bigger = std::make_unique<char[]>(needed + kBlockPadding);
    // A new block has no bytes yet (null): memcpy from null is undefined even for 0 bytes.
    if (out.size > 0) std::memcpy(bigger.get(), out.bytes.get(), out.size);
    out.bytes = std::move(bigger);
    out.capacity = needed;
  };
  out.size = 0;
  reserve(carry_.size() + block_bytes_);
  std::memcpy(out.bytes.get(), carry_.data(), carry_.size());
  out.size = carry_.size();
  carry_.clear();
  size_t searched = 0;  // bytes known to hold no newline
  for (;;) {
    if (!eof_) {
      reserve(out.size + block_bytes_);
      input_.read(out.bytes.get() + out.size, static_cast<std::streamsize>(block_bytes_));
      const auto got = static_cast<size_t>(input_.gcount());
      out.size += got;
      bytes_read_ += got;
      if (got == 0 || !input_) eof_ = true;
    }
    const char* begin = out.bytes.get();
    const char* last_nl =
        static_cast<const char*>(memrchr(begin + searched, '\n', out.size - searched));
    if (last_nl) {
      // The block ends after its last complete line; the rest starts the next block.
      const size_t keep = static_cast<size_t>(last_nl - begin) + 1;
      carry_.assign(begin + keep, out.size - keep);
      out.size = keep;
      break;
    }
    searched = out.size;
    if (eof_) {
      if (out.size == 0) return false;
      break;  // the input's last line, without a newline
    }
    // A line is measured without its '\r': one byte over the limit ending in '\r' may still be
    // within it, once its newline comes.
    if (out.size > kMaxLineLength + 1 ||
        (out.size == kMaxLineLength + 1 && out.bytes[out.size - 1] != '\r')) {
      // One line longer than the limit: drop it up to its newline, chunk by chunk, and let an
      // empty line stand in for it.
      out.too_long = true;
      for (;;) {
        input_.read(out.bytes.get(), static_cast<std::streamsize>(block_bytes_));
        const auto got = static_cast<size_t>(input_.gcount());
        bytes_read_ += got;
        if (got == 0 || !input_) eof_ = true;
        const char* nl = static_cast<const char*>(std::memchr(out.bytes.get(), '\n', got));
        if (nl) {
          const size_t after = static_cast<size_t>(nl - out.bytes.get()) + 1;
          carry_.assign(out.bytes.get() + after, got - after);
          break;
        }
        if (eof_) break;
      }
      out.bytes[0] = '\n';
      out.size = 1;
      break;
    }
  }
  std::memset(out.bytes.get() + out.size, 0, kBlockPadding);
  ++blocks_;
  return true;
}

void LineBlockReader::Number(LineBlock& block) {
  block.ends.clear();
  FindLineEnds(block.bytes.get(), block.size, block.ends);
  std::unique_lock<std::mutex> lock(number_mutex_);
  numbered_.wait(lock, [&] { return next_to_number_ == block.sequence; });
  block.first_line = next_line_;
  next_line_ += block.ends.size();
  ++next_to_number_;
  numbered_.notify_all();
}

struct JsonLineDecoder::Impl {
  // A block outlives the judging of its records (DecodeBlock's `each`): strings need no copy.
  explicit Impl(const rt::RecordLayout& l) : decoder(l), layout(l) {
    decoder.set_borrow_strings(true);
  }
  internal::JsonDecoder decoder;
  const rt::RecordLayout& layout;
};

JsonLineDecoder::JsonLineDecoder(const rt::RecordLayout& layout)
    : impl_(std::make_unique<Impl>(layout)) {}
JsonLineDecoder::~JsonLineDecoder() = default;

void JsonLineDecoder::Decode(std::string_view line, size_t capacity, uint64_t number, bool too_long,
                             rt::Record& record, ReadResult& result) {
  internal::DecodeLine(impl_->decoder, impl_->layout, line, capacity, number, too_long, record,
                       result);
}

bool ReadJsonRecord(std::string_view json, rt::Record& record, std::string& error) {
  record.Clear();
  internal::JsonDecoder decoder(record.layout());
  simdjson::padded_string padded(json);
  return decoder.Decode(padded, record, error);
}

}  // namespace licit::io
