#include "core/value.h"

#include <catch2/catch.hpp>

#include "core/record.h"

namespace licit::rt {
namespace {

Decimal D(std::string_view s) {
  auto d = Decimal::Parse(s);
  REQUIRE(d.has_value());
  return *d;
}

std::string Str(std::optional<Decimal> d) { return d ? d->ToString() : "nullopt"; }

TEST_CASE("Decimal parses and prints exactly", "[value]") {
  CHECK(D("1200").ToString() == "1200");
  CHECK(D("0.25").ToString() == "0.25");
  CHECK(D("-3.50").ToString() == "-3.5");
  CHECK(D("0.000000000000000001").ToString() == "0.000000000000000001");
  CHECK(D("-0").ToString() == "0");
  CHECK(D("1200").ToString(2) == "1200.00");
  CHECK(D("12.345").ToString(2) == "12.345");
  CHECK(D("170000000000000000000").ToString() == "170000000000000000000");
  CHECK_FALSE(Decimal::Parse("1.0000000000000000001"));  // 19 places
  CHECK_FALSE(Decimal::Parse("12."));
  CHECK_FALSE(Decimal::Parse(".5"));
  CHECK_FALSE(Decimal::Parse("1e5"));
  CHECK_FALSE(Decimal::Parse(""));
  CHECK_FALSE(Decimal::Parse("-"));
  CHECK_FALSE(Decimal::Parse("1000000000000000000000"));  // beyond the range
  CHECK(Decimal::FromInt(-7) == D("-7"));
}

TEST_CASE("Decimal add and sub detect overflow", "[value]") {
  CHECK(Str(DecimalAdd(D("0.1"), D("0.2"))) == "0.3");
  CHECK(Str(DecimalSub(D("1"), D("1.5"))) == "-0.5");
  Decimal big = D("170000000000000000000");
  CHECK_FALSE(DecimalAdd(big, big));
  CHECK_FALSE(DecimalSub(D("-170000000000000000000"), big));
}

TEST_CASE("Decimal mul and div are exact, div rounds half-even", "[value]") {
  CHECK(Str(DecimalMul(D("1.5"), D("-2"))) == "-3");
  CHECK(Str(DecimalMul(D("0.000000001"), D("0.000000001"))) == "0.000000000000000001");
  // 10^-18 * 0.5 is exactly half a unit: ties go to even (0).
  CHECK(Str(DecimalMul(D("0.000000000000000001"), D("0.5"))) == "0");
  CHECK(Str(DecimalMul(D("0.000000000000000003"), D("0.5"))) == "0.000000000000000002");
  CHECK(Str(DecimalMul(D("100000000000"), D("100000000"))) == "10000000000000000000");
  CHECK_FALSE(DecimalMul(D("100000000000000000000"), D("10")));
  CHECK(Str(DecimalDiv(D("1"), D("3"))) == "0.333333333333333333");
  CHECK(Str(DecimalDiv(D("2"), D("3"))) == "0.666666666666666667");
  CHECK(Str(DecimalDiv(D("-2"), D("3"))) == "-0.666666666666666667");
  CHECK(Str(DecimalDiv(D("1"), D("4"))) == "0.25");
  // 0.000000000000000001 / 2 = 0.5e-18: half-even gives 0; 3e-18 / 2 = 1.5e-18 gives 2e-18.
  CHECK(Str(DecimalDiv(D("0.000000000000000001"), D("2"))) == "0");
  CHECK(Str(DecimalDiv(D("0.000000000000000003"), D("2"))) == "0.000000000000000002");
  CHECK(Str(DecimalDiv(D("0.000000000000000005"), D("2"))) == "0.000000000000000002");
  CHECK(Str(DecimalDiv(D("150000000000000000000"), D("1.5"))) == "100000000000000000000");
  CHECK_FALSE(DecimalDiv(D("1"), D("0")));
  CHECK_FALSE(DecimalDiv(D("100000000000000000000"), D("0.1")));
  CHECK(Str(DecimalMod(D("7.5"), D("2"))) == "1.5");
  CHECK(Str(DecimalMod(D("-7"), D("2"))) == "-1");
  CHECK_FALSE(DecimalMod(D("1"), D("0")));
}

TEST_CASE("Money parses and prints with at least two places", "[value]") {
  auto m = Money::Parse("1200.00 USD");
  REQUIRE(m);
  CHECK(m->ToString() == "1200.00 USD");
  auto n = Money::Parse("1200 \t EUR");
  REQUIRE(n);
  CHECK(n->ToString() == "1200.00 EUR");
  CHECK(n->currency != m->currency);
  CHECK(Money::Parse("0.125 JPY")->ToString() == "0.125 JPY");
  CHECK_FALSE(Money::Parse("1200"));
  CHECK_FALSE(Money::Parse("1200 usd"));
  CHECK_FALSE(Money::Parse("1200 XYZ"));
  CHECK_FALSE(Money::Parse("abc USD"));
}

TEST_CASE("Values compare, sort and format", "[value]") {
  CHECK(CompareValues(Value::Int(1), Value::Int(2)) < 0);
  CHECK(ValuesEqual(Value::Code("3A001"), Value::Code("3a001")));
  CHECK_FALSE(ValuesEqual(Value::String("a"), Value::String("A")));
  CHECK(CompareValues(Value::Unknown(0), Value::Bool(false)) < 0);
  std::vector<Value> items = {Value::String("b"), Value::String("a"), Value::String("b")};
  SortUnique(items);
  REQUIRE(items.size() == 2);
  CHECK(FormatValue(Value::Set(ValueSpan{items.data(), 2})) == "{\"a\", \"b\"}");
  CHECK(FormatValue(Value::String("say \"hi\"")) == "\"say \\\"hi\\\"\"");
  CHECK(FormatValue(Value::Country(*FindCountry("JP"))) == "JP");
  CHECK(FormatValue(Value::Date(DaysFromCivil({2026, 1, 6}))) == "2026-01-06");
  CHECK(FormatValue(Value::MoneyOf(*Money::Parse("5 USD"))) == "5.00 USD");
  CHECK(FormatValue(Value::Code("8542.31")) == "8542.31");
  CHECK(FormatValue(Value::Unknown(3)) == "unknown");
  CHECK(FormatValue(Value::Dec(D("0.50"))) == "0.5");
}

TEST_CASE("Records store strings stably and reuse storage after Clear", "[value]") {
  RecordLayout layout;
  layout.slots.resize(2);
  Record r(&layout);
  std::string_view a = r.Store("a fairly long string that does not fit in SSO");
  std::string_view b = r.Store("b");
  for (int i = 0; i < 100; ++i) r.Store("more");
  CHECK(a == "a fairly long string that does not fit in SSO");
  CHECK(b == "b");
  r.slot(0) = Value::String(a);
  r.Clear();
  CHECK_FALSE(r.slot(0).known());
  CHECK(r.slot(0).aux == kMissing);
  std::string_view c = r.Store("c");
  CHECK(c == "c");
  Value items[2] = {Value::Int(1), Value::Int(2)};
  ValueSpan span = r.StoreItems(items, 2);
  CHECK(span.size == 2);
  CHECK(span.items[1].i == 2);
}

}  // namespace
}  // namespace licit::rt

namespace licit::rt {
namespace {

// The parser switches from 64- to 128-bit accumulation after 18 whole digits.
TEST_CASE("decimal: parsing around 18 and 19 whole digits", "[value]") {
  for (std::string_view text :
       {"999999999999999999", "1000000000000000000", "123456789012345678.25",
        "1234567890123456789.5", "-99999999999999999999.000000000000000001", "0.000000000000000001",
        "170141183460469231731"}) {
    auto d = Decimal::Parse(text);
    REQUIRE(d.has_value());
    CHECK(d->ToString() == text);
  }
  CHECK_FALSE(Decimal::Parse("1701411834604692317317").has_value());  // beyond the range
}

}  // namespace
}  // namespace licit::rt
