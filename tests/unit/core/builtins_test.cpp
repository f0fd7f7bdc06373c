#include "core/builtins.h"

#include <catch2/catch.hpp>

#include "ir/ir.h"

namespace licit::rt {
namespace {

uint8_t Op(ir::Op op) { return static_cast<uint8_t>(op); }

struct Fixture {
  EvalContext ctx;

  std::string Reason(const Value& v) { return std::string(ctx.ReasonText(v)); }

  // "true", "false", or "unknown: <reason>".
  std::string Show(const Value& v) {
    if (!v.known()) return "unknown: " + Reason(v);
    return FormatValue(v);
  }
  std::string Under(std::string_view code, std::string_view pattern) {
    Value c = Value::Code(code), p = Value::Code(pattern), out;
    licit_rt_under(&ctx, &c, &p, &out);
    return Show(out);
  }
  std::string Matches(const Value& s, std::string_view glob) {
    Value g = Value::String(glob), out;
    licit_rt_matches(&ctx, &s, &g, &out);
    return Show(out);
  }
  std::string Arith(ir::Op op, const Value& a, const Value& b) {
    Value out;
    licit_rt_arith(&ctx, Op(op), &a, &b, &out);
    return Show(out);
  }
  std::string Compare(ir::Op op, const Value& a, const Value& b) {
    Value out;
    licit_rt_compare(&ctx, Op(op), &a, &b, &out);
    return Show(out);
  }
  std::string Call(ir::Builtin b, std::vector<Value> args) {
    Value out;
    licit_rt_call(&ctx, static_cast<uint8_t>(b), args.data(), static_cast<uint32_t>(args.size()),
                  &out);
    return Show(out);
  }
};

Value Money(std::string_view s) { return Value::MoneyOf(*Money::Parse(s)); }
Value Dec(std::string_view s) { return Value::Dec(*Decimal::Parse(s)); }

TEST_CASE_METHOD(Fixture, "under: HS digit prefixes ignore dots", "[builtins]") {
  CHECK(Under("8542.31", "8542") == "true");
  CHECK(Under("8542.31", "85.42") == "true");
  CHECK(Under("8542.31", "8542.31") == "true");
  CHECK(Under("8541.10", "8542") == "false");
  CHECK(Under("8542", "8542.31") == "unknown: 8542 is less specific than 8542.31");
  CHECK(Under("8112.92.10", "8112.92") == "true");
}

TEST_CASE_METHOD(Fixture, "under: segments, case-insensitive", "[builtins]") {
  CHECK(Under("3A001.A.2", "3A001.a") == "true");
  CHECK(Under("3A001.a.10", "3A001.a.1") == "false");
  CHECK(Under("3A001.a.1", "3A001.a.10") == "false");
  CHECK(Under("3A001", "3A001") == "true");
  CHECK(Under("3A0011", "3A001") == "false");
  CHECK(Under("3B001", "3B001.c") == "unknown: 3B001 is less specific than 3B001.c");
  CHECK(Under("EAR99", "8542") == "false");
}

TEST_CASE_METHOD(Fixture, "under: a set of patterns is any match, else unknown, else false",
                 "[builtins]") {
  std::vector<Value> pats = {Value::Code("3B001.C"), Value::Code("3A001")};
  Value set = Value::List(ValueSpan{pats.data(), 2});
  Value out;
  Value a = Value::Code("3A001.b");
  licit_rt_under(&ctx, &a, &set, &out);
  CHECK(Show(out) == "true");
  Value b = Value::Code("3B001");
  licit_rt_under(&ctx, &b, &set, &out);
  CHECK(Show(out) == "unknown: 3B001 is less specific than 3B001.c");
  Value c = Value::Code("5A002");
  licit_rt_under(&ctx, &c, &set, &out);
  CHECK(Show(out) == "false");
}

TEST_CASE_METHOD(Fixture, "unknown operands propagate (the first one)", "[builtins]") {
  Value u1 = ctx.Unknown(UnknownKind::MissingField, "item.eccn is missing");
  Value u2 = ctx.Unknown(UnknownKind::MissingField, "value is missing");
  Value p = Value::Code("3A001"), out;
  licit_rt_under(&ctx, &u1, &p, &out);
  CHECK(Show(out) == "unknown: item.eccn is missing");
  CHECK(Compare(ir::Op::Eq, u2, u1) == "unknown: value is missing");
  CHECK(Arith(ir::Op::Add, Value::Int(1), u1) == "unknown: item.eccn is missing");
  CHECK(Call(ir::Builtin::Len, {u2}) == "unknown: value is missing");
}

TEST_CASE_METHOD(Fixture, "matches: globs, codes ignore case, strings do not", "[builtins]") {
  CHECK(Matches(Value::Code("3A001.A"), "3a0*") == "true");
  CHECK(Matches(Value::Code("3A001"), "3A00?") == "true");
  CHECK(Matches(Value::Code("3A001"), "3A0?") == "false");
  CHECK(Matches(Value::String("Laser"), "las*") == "false");
  CHECK(Matches(Value::String("laser diode"), "*diode") == "true");
  CHECK(Matches(Value::String("aXbXc"), "a*b*c") == "true");
  CHECK(Matches(Value::String("é"), "?") == "true");
  CHECK(Matches(Value::String(""), "*") == "true");
}

TEST_CASE_METHOD(Fixture, "compare: money currencies, int with decimal, codes", "[builtins]") {
  CHECK(Compare(ir::Op::Le, Money("1000 USD"), Money("1500.00 USD")) == "true");
  CHECK(Compare(ir::Op::Le, Money("1000 USD"), Money("1500 EUR")) ==
        "unknown: money in USD compared with money in EUR");
  CHECK(Compare(ir::Op::Eq, Value::Int(2), Dec("2.00")) == "true");
  CHECK(Compare(ir::Op::Lt, Value::Int(2), Dec("2.5")) == "true");
  CHECK(Compare(ir::Op::Eq, Value::Code("3A001"), Value::String("3a001")) == "true");
  CHECK(Compare(ir::Op::Eq, Value::String("a"), Value::String("A")) == "false");
  CHECK(Compare(ir::Op::Ne, Value::Country(1), Value::Country(2)) == "true");
}

TEST_CASE_METHOD(Fixture, "arithmetic: overflow, division by zero, money", "[builtins]") {
  CHECK(Arith(ir::Op::Add, Value::Int(INT64_MAX), Value::Int(1)).rfind("unknown: ", 0) == 0);
  CHECK(Arith(ir::Op::Mul, Value::Int(3), Value::Int(4)) == "12");
  CHECK(Arith(ir::Op::Div, Value::Int(1), Value::Int(4)) == "0.25");
  CHECK(Arith(ir::Op::Div, Value::Int(1), Value::Int(0)) == "unknown: division by zero");
  CHECK(Arith(ir::Op::Mod, Value::Int(1), Value::Int(0)) == "unknown: division by zero");
  CHECK(Arith(ir::Op::Div, Dec("1"), Dec("0")) == "unknown: division by zero");
  CHECK(Arith(ir::Op::Add, Value::Int(1), Dec("0.5")) == "1.5");
  CHECK(Arith(ir::Op::Add, Money("1 USD"), Money("2.5 USD")) == "3.50 USD");
  CHECK(Arith(ir::Op::Sub, Money("1 USD"), Money("2 EUR")) ==
        "unknown: money in USD minus money in EUR");
  CHECK(Arith(ir::Op::Mul, Money("10 USD"), Value::Int(3)) == "30.00 USD");
  CHECK(Arith(ir::Op::Mul, Dec("0.5"), Money("10 USD")) == "5.00 USD");
  CHECK(Arith(ir::Op::Div, Money("10 USD"), Value::Int(4)) == "2.50 USD");
  CHECK(Arith(ir::Op::Div, Money("10 USD"), Value::Int(0)) == "unknown: division by zero");
  Value out, x = Value::Int(INT64_MIN);
  licit_rt_arith(&ctx, Op(ir::Op::Neg), &x, &x, &out);
  CHECK_FALSE(out.known());
}

TEST_CASE_METHOD(Fixture, "membership in sets and lists", "[builtins]") {
  std::vector<Value> items = {Value::String("defence"), Value::String("military")};
  Value set = Value::Set(ValueSpan{items.data(), 2}), out;
  Value e = Value::String("military");
  licit_rt_in(&ctx, &e, &set, &out);
  CHECK(Show(out) == "true");
  e = Value::String("civil");
  licit_rt_in(&ctx, &e, &set, &out);
  CHECK(Show(out) == "false");
  std::vector<Value> with_unknown = {ctx.Unknown(UnknownKind::MissingField, "origin is missing"),
                                     Value::Country(5)};
  Value list = Value::List(ValueSpan{with_unknown.data(), 2});
  e = Value::Country(5);
  licit_rt_in(&ctx, &e, &list, &out);
  CHECK(Show(out) == "true");
  e = Value::Country(6);
  licit_rt_in(&ctx, &e, &list, &out);
  CHECK(Show(out) == "unknown: origin is missing");
}

TEST_CASE_METHOD(Fixture, "to_code upper-cases strings and sets", "[builtins]") {
  std::vector<Value> items = {Value::String("b1"), Value::String("A1"), Value::String("a1")};
  Value set = Value::Set(ValueSpan{items.data(), 3}), out;
  licit_rt_to_code(&ctx, &set, &out);
  CHECK(FormatValue(out) == "{A1, B1}");
  Value s = Value::String("3a001"), c;
  licit_rt_to_code(&ctx, &s, &c);
  CHECK(c.kind == ValueKind::Code);
  CHECK(c.text() == "3A001");
}

TEST_CASE_METHOD(Fixture, "standard functions", "[builtins]") {
  using B = ir::Builtin;
  CHECK(Call(B::Len, {Value::String("día")}) == "3");
  CHECK(Call(B::Lower, {Value::String("Laser")}) == "\"laser\"");
  CHECK(Call(B::Upper, {Value::String("Laser")}) == "\"LASER\"");
  CHECK(Call(B::StartsWith, {Value::Code("3A001"), Value::String("3a")}) == "true");
  CHECK(Call(B::StartsWith, {Value::String("3A001"), Value::String("3a")}) == "false");
  CHECK(Call(B::EndsWith, {Value::String("laser diode"), Value::String("diode")}) == "true");
  CHECK(Call(B::Contains, {Value::String("laser diode"), Value::String("r d")}) == "true");
  std::vector<Value> items = {Value::String("a"), Value::String("b")};
  CHECK(Call(B::Contains, {Value::Set(ValueSpan{items.data(), 2}), Value::String("b")}) == "true");
  CHECK(Call(B::Len, {Value::List(ValueSpan{items.data(), 2})}) == "2");
  Value d1 = Value::Date(DaysFromCivil({2026, 2, 1})),
        d2 = Value::Date(DaysFromCivil({2026, 3, 1}));
  CHECK(Call(B::Year, {d1}) == "2026");
  CHECK(Call(B::Month, {d1}) == "2");
  CHECK(Call(B::Day, {d1}) == "1");
  CHECK(Call(B::DaysBetween, {d1, d2}) == "28");
  CHECK(Call(B::DaysBetween, {d2, d1}) == "-28");
  CHECK(Call(B::Amount, {Money("1200.50 USD")}) == "1200.5");
  CHECK(Call(B::Currency, {Money("1200.50 USD")}) == "\"USD\"");
  CHECK(Call(B::Min, {Value::Int(3), Value::Int(2)}) == "2");
  CHECK(Call(B::Max, {Value::Int(3), Dec("3.5")}) == "3.5");
  CHECK(Call(B::Min, {Value::Int(3), Dec("3.5")}) == "3");
  CHECK(Call(B::Max, {d1, d2}) == "2026-03-01");
  CHECK(Call(B::Max, {Money("1 USD"), Money("2 USD")}) == "2.00 USD");
  CHECK(Call(B::Max, {Money("1 USD"), Money("2 EUR")}) ==
        "unknown: money in USD compared with money in EUR");
  CHECK(Call(B::Abs, {Value::Int(-4)}) == "4");
  CHECK(Call(B::Abs, {Dec("-0.5")}) == "0.5");
  CHECK(Call(B::Abs, {Money("-3 USD")}) == "3.00 USD");
}

}  // namespace
}  // namespace licit::rt
