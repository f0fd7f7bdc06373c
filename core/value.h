// Run-time values shared by both engines: exact decimals, money, and the tagged Value the
// interpreter computes with. Builtins (core/builtins) operate on these, so the interpreter and
// the JIT call the same code for every standard function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/iso_codes.h"

namespace licit::rt {

// An exact decimal: units / 10^18 (18 digits after the point, language.md section 6).
// __int128 holds about 1.7e20 before the point, far beyond any trade value.
struct Decimal {
  static constexpr int kScale = 18;
  __int128 units = 0;

  static Decimal FromInt(int64_t v);
  // Parses "-12.345" (at most 18 digits after the point); nullopt when malformed or too large.
  static std::optional<Decimal> Parse(std::string_view text);
  // Shortest exact text: "1200", "0.25", "-3.5" (no exponent, no trailing zeros).
  std::string ToString() const;
  // Text with at least `min_places` digits after the point ("1200.00" for money).
  std::string ToString(int min_places) const;

  friend bool operator==(Decimal a, Decimal b) { return a.units == b.units; }
  friend auto operator<=>(Decimal a, Decimal b) { return a.units <=> b.units; }
};

// Arithmetic on decimals; each returns nullopt on overflow (or division by zero for Div/Mod),
// which the engines turn into an unknown with a reason. Div rounds half-even to 18 places.
std::optional<Decimal> DecimalAdd(Decimal a, Decimal b);
std::optional<Decimal> DecimalSub(Decimal a, Decimal b);
std::optional<Decimal> DecimalMul(Decimal a, Decimal b);
std::optional<Decimal> DecimalDiv(Decimal a, Decimal b);
std::optional<Decimal> DecimalMod(Decimal a, Decimal b);

using CurrencyId = uint16_t;  // index into AllCurrencies()

struct Money {
  Decimal amount;
  CurrencyId currency = 0;
  // "1200.00 USD" or "1200 USD" (amount, spaces or tabs, ISO 4217 code).
  static std::optional<Money> Parse(std::string_view text);
  std::string ToString() const;  // "1200.00 USD": at least 2 places
};

enum class ValueKind : uint8_t {
  Unknown,  // missing, null, undecidable: carries an UnknownReason index
  Bool,
  Int,
  Decimal,
  String,
  Date,
  Country,
  Money,
  Code,    // a classification code: text normalised to upper case
  Set,     // elements in `items`, sorted and unique (see SortUnique)
  List,    // elements in `items`, in order
  Record,  // a nested record that is present (its fields live in their own slots)
};
const char* ValueKindName(ValueKind k);

struct Value;

// A span of values owned elsewhere (a constant pool, or a record's arena).
struct ValueSpan {
  const Value* items = nullptr;
  uint32_t size = 0;
  const Value* begin() const { return items; }
  const Value* end() const;  // defined after Value, which must be complete
};

// A tagged value, 32 bytes, trivially copyable. Strings and collections point into storage that
// outlives the evaluation (the program's constants or the record being judged).
struct Value {
  ValueKind kind = ValueKind::Unknown;
  uint16_t aux = 0;  // Money: currency; Unknown: index of the reason in the evaluation context
  union {
    bool b;
    int64_t i;
    DayNumber date;
    CountryId country;
    Decimal dec;  // Decimal, and Money's amount
    struct {
      const char* ptr;
      uint32_t len;
    } str;            // String, Code
    ValueSpan items;  // Set, List
  };

  Value() : i(0) {}
  static Value Unknown(uint16_t reason) {
    Value v;
    v.kind = ValueKind::Unknown;
    v.aux = reason;
    return v;
  }
  static Value Bool(bool x) {
    Value v;
    v.kind = ValueKind::Bool;
    v.b = x;
    return v;
  }
  static Value Int(int64_t x) {
    Value v;
    v.kind = ValueKind::Int;
    v.i = x;
    return v;
  }
  static Value Dec(Decimal x) {
    Value v;
    v.kind = ValueKind::Decimal;
    v.dec = x;
    return v;
  }
  static Value Date(DayNumber x) {
    Value v;
    v.kind = ValueKind::Date;
    v.date = x;
    return v;
  }
  static Value Country(CountryId x) {
    Value v;
    v.kind = ValueKind::Country;
    v.country = x;
    return v;
  }
  static Value MoneyOf(Money m) {
    Value v;
    v.kind = ValueKind::Money;
    v.dec = m.amount;
    v.aux = m.currency;
    return v;
  }
  static Value String(std::string_view s) {
    Value v;
    v.kind = ValueKind::String;
    v.str = {s.data(), static_cast<uint32_t>(s.size())};
    return v;
  }
  static Value Code(std::string_view s) {
    Value v;
    v.kind = ValueKind::Code;
    v.str = {s.data(), static_cast<uint32_t>(s.size())};
    return v;
  }
  static Value Set(ValueSpan s) {
    Value v;
    v.kind = ValueKind::Set;
    v.items = s;
    return v;
  }
  static Value List(ValueSpan s) {
    Value v;
    v.kind = ValueKind::List;
    v.items = s;
    return v;
  }
  static Value RecordPresent() {
    Value v;
    v.kind = ValueKind::Record;
    return v;
  }

  bool known() const { return kind != ValueKind::Unknown; }
  std::string_view text() const { return {str.ptr, str.len}; }
  Money money() const { return Money{dec, aux}; }
};
static_assert(sizeof(Value) == 32);

inline const Value* ValueSpan::end() const { return items + size; }

// Total order used for sets and for equality of values of one kind (codes compare
// case-insensitively because they are stored upper-cased). Unknowns sort first.
int CompareValues(const Value& a, const Value& b);
bool ValuesEqual(const Value& a, const Value& b);
// Sorts by CompareValues and drops duplicates: the canonical form of a Set's items.
void SortUnique(std::vector<Value>& items);

// Renders a value as Licit source would write it: "JP", "\"military\"", "1200.00 USD",
// "2026-01-06", "{\"a\", \"b\"}"; unknown renders as "unknown".
std::string FormatValue(const Value& v);

// Renders a code as classification lists write it: the first segment as stored (upper case),
// later segments in lower case ("3B001.c", "1C902.a", "8542.31"). Codes compare ignoring case,
// so this changes only how reasons and explanations read.
std::string FormatCode(std::string_view code);

}  // namespace licit::rt
