// Field decoding shared by the readers, the bounded line source, and MakeReader.

#include "io/record_reader.h"

#include <charconv>
#include <cstring>

#include "base/code.h"
#include "base/date.h"
#include "base/iso_codes.h"
#include "io/decode.h"

namespace licit::io {
namespace internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Expected(rt::ValueKind kind) {
  switch (kind) {
    case rt::ValueKind::String: return "a string";
    case rt::ValueKind::Bool: return "true or false";
    case rt::ValueKind::Int: return "an integer";
    case rt::ValueKind::Decimal: return "a number";
    case rt::ValueKind::Date: return "a date like \"2026-01-06\"";
    case rt::ValueKind::Country: return "a country code like \"JP\"";
    case rt::ValueKind::Money: return "money like \"1200.00 USD\"";
    case rt::ValueKind::Code: return "a code like \"3A001.a.2\"";
    case rt::ValueKind::Set:
    case rt::ValueKind::List: return "an array";
    case rt::ValueKind::Record: return "an object";
    case rt::ValueKind::Unknown: break;
  }
  return "a value";
}

std::string Found(std::string_view text, bool quote) {
  constexpr size_t kMax = 40;
  std::string out;
  if (quote) out += '"';
  if (text.size() > kMax) {
    out.append(text.substr(0, kMax));
    out += "...";
  } else {
    out.append(text);
  }
  if (quote) out += '"';
  return out;
}

int32_t FindChild(const rt::RecordLayout& layout, const std::vector<uint32_t>& children,
                  std::string_view key, size_t& hint) {
  if (hint < children.size() && layout.slots[children[hint]].name == key) {
    return static_cast<int32_t>(children[hint++]);
  }
  for (size_t i = 0; i < children.size(); ++i) {
    if (layout.slots[children[i]].name == key) {
      hint = i + 1;
      return static_cast<int32_t>(children[i]);
    }
  }
  return -1;
}

const rt::FieldSlot* FirstMissingRequired(const rt::RecordLayout& layout,
                                          const std::vector<uint32_t>& children,
                                          const rt::Record& record) {
  for (uint32_t s : children) {
    const rt::FieldSlot& slot = layout.slots[s];
    if (!slot.optional && !record.slot(s).known()) return &slot;
  }
  return nullptr;
}

bool IsJsonNumber(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

std::string PlainNumber(std::string_view number) {
  size_t e = number.find_first_of("eE");
  if (e == std::string_view::npos) return std::string(number);
  std::string_view mantissa = number.substr(0, e);
  std::string_view exp_text = number.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  int exponent = 0;
  auto [ptr, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  if (ec != std::errc() || ptr != exp_text.data() + exp_text.size() || exponent > 60 ||
      exponent < -60) {
    return "";
  }
  bool negative = !mantissa.empty() && mantissa.front() == '-';
  if (negative) mantissa.remove_prefix(1);
  std::string digits;
  int point = -1;  // digits before the point
  for (char c : mantissa) {
    if (c == '.') {
      point = static_cast<int>(digits.size());
    } else {
      digits += c;
    }
  }
  if (point < 0) point = static_cast<int>(digits.size());
  point += exponent;
  if (point <= 0) {
    digits.insert(0, static_cast<size_t>(-point) + 1, '0');
    point = 1;
  } else if (point > static_cast<int>(digits.size())) {
    digits.append(static_cast<size_t>(point) - digits.size(), '0');
  }
  std::string out = negative ? "-" : "";
  out += digits.substr(0, static_cast<size_t>(point));
  std::string frac = digits.substr(static_cast<size_t>(point));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  return out;
}

bool DecodeScalar(rt::ValueKind kind, std::string_view text, bool from_json_string,
                  rt::Record& record, rt::Value& out, std::string& error) {
  auto expected = [&] {
    error = "expected " + Expected(kind) + ", found " + Found(text, from_json_string);
    return false;
  };
  switch (kind) {
    case rt::ValueKind::String: out = rt::Value::String(record.Store(text)); return true;
    case rt::ValueKind::Bool: {
      if (from_json_string) return expected();
      std::string_view t = Trim(text);
      if (t == "true" || t == "TRUE" || t == "True") {
        out = rt::Value::Bool(true);
        return true;
      }
      if (t == "false" || t == "FALSE" || t == "False") {
        out = rt::Value::Bool(false);
        return true;
      }
      return expected();
    }
    case rt::ValueKind::Int: {
      if (from_json_string) return expected();
      std::string_view t = Trim(text);
      if (!t.empty() && t.front() == '+') t.remove_prefix(1);
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || ptr != t.data() + t.size()) return expected();
      out = rt::Value::Int(v);
      return true;
    }
    case rt::ValueKind::Decimal: {
      const std::string_view t = Trim(text);
      // Only an exponent needs rewriting (and a string); "695.52" parses as it is.
      // (A loop, not find_first_of, which calls memchr once per character of "eE": as much as
      // the rest of the decimal's decoding.)
      bool exponent = false;
      for (char c : t) exponent = exponent || c == 'e' || c == 'E';
      auto d = exponent ? rt::Decimal::Parse(PlainNumber(t)) : rt::Decimal::Parse(t);
      if (!d) return expected();
      out = rt::Value::Dec(*d);
      return true;
    }
    case rt::ValueKind::Date: {
      std::string_view t = Trim(text);
      DateError date_error = DateError::kNone;
      auto date = ParseDateLiteral(t, &date_error);
      if (date && !date->is_month) {
        out = rt::Value::Date(date->first);
        return true;
      }
      if (date_error == DateError::kMonthOutOfRange || date_error == DateError::kDayOutOfRange) {
        error = "`" + std::string(t) + "` is not a valid date (" +
                (date_error == DateError::kMonthOutOfRange ? "month" : "day") + " out of range)";
        return false;
      }
      return expected();
    }
    case rt::ValueKind::Country: {
      std::string_view t = Trim(text);
      if (t.size() != 2 || !IsAlnum(t[0]) || !IsAlnum(t[1])) return expected();
      const char upper[2] = {Upper(t[0]), Upper(t[1])};
      const std::string_view code(upper, 2);
      if (auto id = FindCountry(code)) {
        out = rt::Value::Country(*id);
        return true;
      }
      error = "unknown country code `" + std::string(code) + "`";
      if (auto s = SuggestCountry(code)) {
        const CountryInfo& info = AllCountries()[*s];
        error +=
            " (did you mean `" + std::string(info.code) + "`, " + std::string(info.name) + "?)";
      }
      return false;
    }
    case rt::ValueKind::Money: {
      if (auto m = rt::Money::Parse(text)) {
        out = rt::Value::MoneyOf(*m);
        return true;
      }
      // Name an unknown currency precisely; anything else is a shape error.
      std::string_view t = Trim(text);
      size_t gap = t.find_last_of(" \t");
      if (gap != std::string_view::npos) {
        std::string_view code = t.substr(gap + 1);
        bool letters = code.size() == 3;
        for (char c : code) letters = letters && c >= 'A' && c <= 'Z';
        if (letters && !FindCurrency(code) && rt::Decimal::Parse(Trim(t.substr(0, gap)))) {
          error = "unknown currency `" + std::string(code) + "` (not an ISO 4217 code)";
          return false;
        }
      }
      return expected();
    }
    case rt::ValueKind::Code: {
      std::string_view t = Trim(text);
      if (!IsValidCode(t)) {
        if (t.empty()) return expected();
        error = "invalid code " + Found(t, true) +
                " (expected letter and digit segments separated by dots, like \"3A001.a.2\")";
        return false;
      }
      // Upper-cased in the record's own copy (no temporary string).
      std::string_view stored = record.Store(t);
      char* bytes = const_cast<char*>(stored.data());
      for (size_t k = 0; k < stored.size(); ++k) bytes[k] = Upper(bytes[k]);
      out = rt::Value::Code(stored);
      return true;
    }
    default: return expected();
  }
}

LineSource::LineSource(std::istream& input, size_t max_line, size_t chunk)
    : input_(input), max_line_(max_line), chunk_(chunk) {
  capacity_ = chunk_ * 2;
  // Only the bytes after the data need a value (the padding a line is read with): zeroing the
  // whole 2 MiB buffer cost every reader half a millisecond, most of a small input's time.
  buf_ = std::make_unique_for_overwrite<char[]>(capacity_ + kBlockPadding);
  std::memset(buf_.get(), 0, kBlockPadding);
}

bool LineSource::Fill() {
  if (eof_) return false;
  // Keep the unread part at the front, and grow only while the current line needs it: at most
  // max_line plus one chunk.
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (capacity_ - end_ < chunk_) {
    size_t grown = std::max(capacity_ * 2, end_ + chunk_);
    auto bigger = std::make_unique_for_overwrite<char[]>(grown + kBlockPadding);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    capacity_ = grown;
  }
  input_.read(buf_.get() + end_, static_cast<std::streamsize>(chunk_));
  size_t got = static_cast<size_t>(input_.gcount());
  end_ += got;
  std::memset(buf_.get() + end_, 0, kBlockPadding);  // the padding after the data
  if (got == 0 || !input_) eof_ = true;
  return got > 0;
}

bool LineSource::Next(std::string_view& line, uint64_t& number, bool& too_long) {
  too_long = false;
  size_t scanned = begin_;  // bytes already searched for a newline
  for (;;) {
    const char* start = buf_.get() + begin_;
    const void* nl = std::memchr(buf_.get() + scanned, '\n', end_ - scanned);
    if (nl) {
      size_t len = static_cast<const char*>(nl) - start;
      line = std::string_view(start, len);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      begin_ += len + 1;
      number = ++line_;
      if (line.size() > max_line_) {
        too_long = true;
        line = {};
      }
      return true;
    }
    // A line is measured without its '\r' (as when its newline is in the buffer): held bytes one
    // over the limit ending in '\r' may still make a line within it, whatever the chunking (a CRLF
    // line of exactly the limit was too long when its '\n' fell in the next chunk: found by the
    // reader fuzzers).
    const size_t held_now = end_ - begin_;
    if (held_now > max_line_ + 1 || (held_now == max_line_ + 1 && buf_[end_ - 1] != '\r')) {
      // Too long: drop what we hold and everything up to the next newline, chunk by chunk.
      too_long = true;
      begin_ = end_ = 0;
      for (;;) {
        if (!Fill()) {
          number = ++line_;
          line = {};
          return true;
        }
        const void* skip_nl = std::memchr(buf_.get(), '\n', end_);
        if (skip_nl) {
          begin_ = static_cast<const char*>(skip_nl) - buf_.get() + 1;
          number = ++line_;
          line = {};
          return true;
        }
        begin_ = end_ = 0;
      }
    }
    if (!Fill()) {
      if (end_ == begin_) return false;
      // The last line has no newline.
      line = std::string_view(buf_.get() + begin_, end_ - begin_);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > max_line_) {
        too_long = true;
        begin_ = end_;
        number = ++line_;
        line = {};
        return true;
      }
      // The padding after the last line is readable (buf_ has kBlockPadding spare bytes); make it
      // whitespace so nothing stale follows the text.
      std::memset(buf_.get() + end_, ' ', kBlockPadding);
      begin_ = end_;
      number = ++line_;
      return true;
    }
    scanned = begin_ + held_now;  // Fill() moved the unread bytes to the front
  }
}

}  // namespace internal

std::unique_ptr<RecordReader> MakeReader(Format format, std::istream& input,
                                         const rt::RecordLayout& layout) {
  if (format == Format::Csv) return internal::MakeCsvReader(input, layout);
  return internal::MakeJsonLinesReader(input, layout);
}

}  // namespace licit::io
