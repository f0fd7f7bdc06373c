#include "base/json.h"

#include <cstdint>
#include <cstring>

namespace licit {
namespace {

// Whether a byte must be escaped in a JSON string ('"', '\\' and control characters).
constexpr bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

}  // namespace

bool NeedsJsonEscape(std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  // Eight bytes at a time: a quote, a backslash or a byte below 0x20 sets its byte's high bit in
  // `special` (bytes of 0x80 and above are masked out: UTF-8 is written as it is).
  for (; end - p >= 8; p += 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    const uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
    const uint64_t special = (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                              ((x - kOnes * 0x20) & ~x)) &
                             ~x & kHigh;
    if (special != 0) return true;
  }
  for (; p < end; ++p) {
    if (NeedsEscape(static_cast<unsigned char>(*p))) return true;
  }
  return false;
}

// Runs of plain bytes (almost always the whole string) are copied in one append; only the bytes
// that need escaping go one by one. Decision output calls this for every string it writes.
void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const char* p = s.data();
  const char* end = p + s.size();
  while (p < end) {
    const char* run = p;
    while (p < end && !NeedsEscape(static_cast<unsigned char>(*p))) ++p;
    if (p > run) out.append(run, static_cast<size_t>(p - run));
    if (p == end) break;
    auto c = static_cast<unsigned char>(*p++);
    switch (c) {
      case '"': out.append("\\\"", 2); break;
      case '\\': out.append("\\\\", 2); break;
      case '\n': out.append("\\n", 2); break;
      case '\r': out.append("\\r", 2); break;
      case '\t': out.append("\\t", 2); break;
      case '\b': out.append("\\b", 2); break;
      case '\f': out.append("\\f", 2); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, 6);
      }
    }
  }
  out.push_back('"');
}

std::string JsonQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendJsonString(out, s);
  return out;
}

}  // namespace licit
