#include "core/value.h"

#include <algorithm>
#include <cstring>

#include "base/check.h"

namespace licit::rt {
namespace {

using U128 = unsigned __int128;

constexpr __int128 kInt128Max = static_cast<__int128>(~U128{0} >> 1);
constexpr __int128 kInt128Min = -kInt128Max - 1;

constexpr U128 Pow10(int n) {
  U128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}
constexpr U128 kOne = Pow10(Decimal::kScale);  // 10^18

U128 Magnitude(__int128 v) {
  // Negating in unsigned arithmetic is defined for the minimum too.
  return v < 0 ? U128{0} - static_cast<U128>(v) : static_cast<U128>(v);
}

// Applies a sign to a magnitude; nullopt when the result does not fit in __int128.
std::optional<__int128> Signed(U128 magnitude, bool negative) {
  if (negative) {
    if (magnitude > static_cast<U128>(kInt128Max) + 1) return std::nullopt;
    return static_cast<__int128>(U128{0} - magnitude);
  }
  if (magnitude > static_cast<U128>(kInt128Max)) return std::nullopt;
  return static_cast<__int128>(magnitude);
}

// A 256-bit unsigned integer, just enough for the intermediates of Mul and Div: a 128x128-bit
// product and its division by a 128-bit divisor.
struct U256 {
  U128 hi = 0;
  U128 lo = 0;
};

U256 MulFull(U128 a, U128 b) {
  const U128 mask = (U128{1} << 64) - 1;
  U128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
  U128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  U128 mid = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  U256 r;
  r.lo = (p00 & mask) | (mid << 64);
  r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return r;
}

// Divides by d (d != 0, d <= 2^127, so the running remainder never needs a 129th bit). Returns
// nullopt when the quotient does not fit in 128 bits.
std::optional<U128> DivFull(U256 n, U128 d, U128* remainder) {
  if (n.hi >= d) return std::nullopt;  // quotient would need more than 128 bits
  U128 rem = n.hi;
  U128 q = 0;
  for (int i = 127; i >= 0; --i) {
    rem = (rem << 1) | ((n.lo >> i) & 1);
    q <<= 1;
    if (rem >= d) {
      rem -= d;
      q |= 1;
    }
  }
  *remainder = rem;
  return q;
}

// Rounds q + r/d half-even; nullopt on overflow of the increment.
std::optional<U128> RoundHalfEven(U128 q, U128 r, U128 d) {
  // Compare 2r with d without overflowing: r < d <= 2^127, so 2r fits.
  U128 twice = r << 1;
  bool up = twice > d || (twice == d && (q & 1) != 0);
  if (!up) return q;
  if (q == ~U128{0}) return std::nullopt;
  return q + 1;
}

std::optional<Decimal> FromSigned(std::optional<U128> magnitude, bool negative) {
  if (!magnitude) return std::nullopt;
  auto s = Signed(*magnitude, negative);
  if (!s) return std::nullopt;
  Decimal d;
  d.units = *s;
  return d;
}

void AppendU128(std::string& out, U128 v) {
  char buf[48];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

int CompareText(std::string_view a, std::string_view b, bool fold_case) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(fold_case ? Upper(a[i]) : a[i]);
    unsigned char y = static_cast<unsigned char>(fold_case ? Upper(b[i]) : b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

void AppendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

Decimal Decimal::FromInt(int64_t v) {
  Decimal d;
  d.units = static_cast<__int128>(v) * static_cast<__int128>(kOne);
  return d;
}

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  // Digits accumulate in 64 bits while they fit (18 digits: every number a record carries) and
  // in 128 bits beyond; readers parse one decimal per record, so this is on the hot path.
  uint64_t whole64 = 0;
  U128 whole = 0;
  size_t whole_digits = 0;
  // The whole part may use at most what fits once scaled by 10^18.
  const U128 limit = (static_cast<U128>(kInt128Max) + 1) / kOne;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++whole_digits) {
    if (whole_digits < 18) {
      whole64 = whole64 * 10 + static_cast<uint64_t>(text[i] - '0');
      continue;
    }
    if (whole_digits == 18) whole = whole64;
    whole = whole * 10 + static_cast<U128>(text[i] - '0');
    if (whole > limit) return std::nullopt;
  }
  if (whole_digits <= 18) whole = whole64;
  uint64_t frac = 0;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (++frac_digits > kScale) return std::nullopt;
      frac = frac * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    if (frac_digits == 0) return std::nullopt;  // "12." is not a number
  }
  if (i != text.size() || whole_digits == 0) return std::nullopt;
  static constexpr uint64_t kPow10[] = {1ull,
                                        10ull,
                                        100ull,
                                        1000ull,
                                        10000ull,
                                        100000ull,
                                        1000000ull,
                                        10000000ull,
                                        100000000ull,
                                        1000000000ull,
                                        10000000000ull,
                                        100000000000ull,
                                        1000000000000ull,
                                        10000000000000ull,
                                        100000000000000ull,
                                        1000000000000000ull,
                                        10000000000000000ull,
                                        100000000000000000ull,
                                        1000000000000000000ull};
  U128 magnitude = whole * kOne + static_cast<U128>(frac) * kPow10[kScale - frac_digits];
  return FromSigned(magnitude, negative);
}

std::string Decimal::ToString() const { return ToString(0); }

std::string Decimal::ToString(int min_places) const {
  U128 m = Magnitude(units);
  std::string out;
  if (units < 0) out.push_back('-');
  AppendU128(out, m / kOne);
  U128 frac = m % kOne;
  char digits[kScale];
  for (int k = kScale - 1; k >= 0; --k) {
    digits[k] = static_cast<char>('0' + static_cast<int>(frac % 10));
    frac /= 10;
  }
  int places = kScale;
  while (places > 0 && digits[places - 1] == '0') --places;
  places = std::max(places, std::clamp(min_places, 0, kScale));
  if (places > 0) {
    out.push_back('.');
    out.append(digits, static_cast<size_t>(places));
  }
  return out;
}

std::optional<Decimal> DecimalAdd(Decimal a, Decimal b) {
  Decimal r;
  if (__builtin_add_overflow(a.units, b.units, &r.units)) return std::nullopt;
  return r;
}

std::optional<Decimal> DecimalSub(Decimal a, Decimal b) {
  Decimal r;
  if (__builtin_sub_overflow(a.units, b.units, &r.units)) return std::nullopt;
  return r;
}

std::optional<Decimal> DecimalMul(Decimal a, Decimal b) {
  // (a * b) / 10^18 exactly, rounded half-even like division: the product carries 36 places.
  bool negative = (a.units < 0) != (b.units < 0);
  U256 product = MulFull(Magnitude(a.units), Magnitude(b.units));
  U128 rem = 0;
  auto q = DivFull(product, kOne, &rem);
  if (!q) return std::nullopt;
  return FromSigned(RoundHalfEven(*q, rem, kOne), negative);
}

std::optional<Decimal> DecimalDiv(Decimal a, Decimal b) {
  if (b.units == 0) return std::nullopt;
  bool negative = (a.units < 0) != (b.units < 0);
  U128 d = Magnitude(b.units);
  U256 scaled = MulFull(Magnitude(a.units), kOne);
  U128 rem = 0;
  auto q = DivFull(scaled, d, &rem);
  if (!q) return std::nullopt;
  return FromSigned(RoundHalfEven(*q, rem, d), negative);
}

std::optional<Decimal> DecimalMod(Decimal a, Decimal b) {
  // Truncated remainder (the sign of the dividend), as C and most languages do.
  if (b.units == 0) return std::nullopt;
  Decimal r;
  if (b.units == -1 && a.units == kInt128Min) return r;
  r.units = a.units % b.units;
  return r;
}

std::optional<Money> Money::Parse(std::string_view text) {
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  size_t start = 0;
  while (start < end && (text[start] == ' ' || text[start] == '\t')) ++start;
  size_t gap = text.find_first_of(" \t", start);
  if (gap == std::string_view::npos || gap >= end) return std::nullopt;
  size_t code_start = gap;
  while (code_start < end && (text[code_start] == ' ' || text[code_start] == '\t')) ++code_start;
  std::string_view code = text.substr(code_start, end - code_start);
  if (code.size() != 3) return std::nullopt;
  for (char c : code)
    if (c < 'A' || c > 'Z') return std::nullopt;
  auto amount = Decimal::Parse(text.substr(start, gap - start));
  auto currency = FindCurrency(code);
  if (!amount || !currency) return std::nullopt;
  return Money{*amount, *currency};
}

std::string Money::ToString() const {
  std::string out = amount.ToString(2);
  out.push_back(' ');
  auto all = AllCurrencies();
  if (currency < all.size()) {
    out += all[currency].code;
  } else {
    out += "???";
  }
  return out;
}

const char* ValueKindName(ValueKind k) {
  switch (k) {
    case ValueKind::Unknown: return "unknown";
    case ValueKind::Bool: return "bool";
    case ValueKind::Int: return "int";
    case ValueKind::Decimal: return "decimal";
    case ValueKind::String: return "string";
    case ValueKind::Date: return "date";
    case ValueKind::Country: return "country";
    case ValueKind::Money: return "money";
    case ValueKind::Code: return "code";
    case ValueKind::Set: return "set";
    case ValueKind::List: return "list";
    case ValueKind::Record: return "record";
  }
  LICIT_UNREACHABLE("a ValueKind outside the enum");
}

int CompareValues(const Value& a, const Value& b) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  switch (a.kind) {
    case ValueKind::Unknown: return 0;
    case ValueKind::Bool: return Cmp(a.b, b.b);
    case ValueKind::Int: return Cmp(a.i, b.i);
    case ValueKind::Decimal: return Cmp(a.dec.units, b.dec.units);
    case ValueKind::String: return CompareText(a.text(), b.text(), false);
    case ValueKind::Code: return CompareText(a.text(), b.text(), true);
    case ValueKind::Date: return Cmp(a.date, b.date);
    case ValueKind::Country: return Cmp(a.country, b.country);
    case ValueKind::Money:
      if (a.aux != b.aux) return a.aux < b.aux ? -1 : 1;
      return Cmp(a.dec.units, b.dec.units);
    case ValueKind::Set:
    case ValueKind::List: {
      uint32_t n = std::min(a.items.size, b.items.size);
      for (uint32_t k = 0; k < n; ++k) {
        int c = CompareValues(a.items.items[k], b.items.items[k]);
        if (c != 0) return c;
      }
      return Cmp(a.items.size, b.items.size);
    }
    case ValueKind::Record: return 0;
  }
  LICIT_UNREACHABLE("a ValueKind outside the enum");
}

bool ValuesEqual(const Value& a, const Value& b) { return CompareValues(a, b) == 0; }

void SortUnique(std::vector<Value>& items) {
  std::sort(items.begin(), items.end(),
            [](const Value& x, const Value& y) { return CompareValues(x, y) < 0; });
  items.erase(std::unique(items.begin(), items.end(), ValuesEqual), items.end());
}

std::string FormatCode(std::string_view code) {
  std::string out(code);
  size_t dot = out.find('.');
  if (dot == std::string::npos) return out;
  for (size_t i = dot; i < out.size(); ++i)
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  return out;
}

std::string FormatValue(const Value& v) {
  std::string out;
  switch (v.kind) {
    case ValueKind::Unknown: return "unknown";
    case ValueKind::Bool: return v.b ? "true" : "false";
    case ValueKind::Int: return std::to_string(v.i);
    case ValueKind::Decimal: return v.dec.ToString();
    case ValueKind::String: AppendQuoted(out, v.text()); return out;
    case ValueKind::Code: return FormatCode(v.text());
    case ValueKind::Date: return FormatDate(v.date);
    case ValueKind::Country: {
      auto all = AllCountries();
      return v.country < all.size() ? std::string(all[v.country].code) : "??";
    }
    case ValueKind::Money: return v.money().ToString();
    case ValueKind::Set:
    case ValueKind::List: {
      out.push_back(v.kind == ValueKind::Set ? '{' : '[');
      for (uint32_t k = 0; k < v.items.size; ++k) {
        if (k > 0) out += ", ";
        out += FormatValue(v.items.items[k]);
      }
      out.push_back(v.kind == ValueKind::Set ? '}' : ']');
      return out;
    }
    case ValueKind::Record: return "{...}";
  }
  return out;
}

}  // namespace licit::rt
