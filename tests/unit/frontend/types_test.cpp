#include "frontend/sema/types.h"

#include <catch2/catch.hpp>

#include "frontend/sema/checked.h"

namespace licit::sema {
namespace {

TEST_CASE("types print in source syntax", "[sema][types]") {
  CHECK(Type::Int().ToString() == "int");
  CHECK(Type::SetOf(Type::Country()).ToString() == "set<country>");
  CHECK(Type::ListOf(Type::SetOf(Type::Code())).ToString() == "list<set<code>>");
  CHECK(Type::SetOf(Type::Error()).ToString() == "set");
  RecordType party;
  party.name = "Party";
  CHECK(Type::RecordOf(&party).ToString() == "Party");
}

TEST_CASE("type equality is structural, records nominal", "[sema][types]") {
  CHECK(Type::SetOf(Type::String()) == Type::SetOf(Type::String()));
  CHECK_FALSE(Type::SetOf(Type::String()) == Type::ListOf(Type::String()));
  RecordType a, b;
  CHECK(Type::RecordOf(&a) == Type::RecordOf(&a));
  CHECK_FALSE(Type::RecordOf(&a) == Type::RecordOf(&b));
}

TEST_CASE("implicit conversions", "[sema][types]") {
  CHECK(IsAssignable(Type::Int(), Type::Decimal()));
  CHECK_FALSE(IsAssignable(Type::Decimal(), Type::Int()));
  CHECK(IsAssignable(Type::String(), Type::Code()));
  CHECK(IsAssignable(Type::ListOf(Type::String()), Type::ListOf(Type::Code())));
  CHECK(IsAssignable(Type::SetOf(Type::Error()), Type::SetOf(Type::Country())));
  CHECK_FALSE(IsAssignable(Type::Code(), Type::String()));
  CHECK_FALSE(IsAssignable(Type::String(), Type::Country()));
  CHECK(IsAssignable(Type::Error(), Type::Money()));
}

TEST_CASE("common types", "[sema][types]") {
  bool ok = false;
  CHECK(CommonType(Type::Int(), Type::Decimal(), &ok) == Type::Decimal());
  CHECK(ok);
  CHECK(CommonType(Type::SetOf(Type::Error()), Type::SetOf(Type::Int()), &ok) ==
        Type::SetOf(Type::Int()));
  CHECK(ok);
  CommonType(Type::Country(), Type::String(), &ok);
  CHECK_FALSE(ok);
}

TEST_CASE("classification codes", "[sema][types]") {
  CHECK(IsValidCode("3A001.a.2"));
  CHECK(IsValidCode("EAR99"));
  CHECK(IsValidCode("8542.31"));
  CHECK_FALSE(IsValidCode(""));
  CHECK_FALSE(IsValidCode("3A001..a"));
  CHECK_FALSE(IsValidCode(".3A001"));
  CHECK_FALSE(IsValidCode("3A001."));
  CHECK_FALSE(IsValidCode("3A-001"));
  CHECK_FALSE(IsValidCode("85 42"));
}

TEST_CASE("day ranges with open ends", "[sema][types]") {
  DayRange open;
  CHECK(open.is_open());
  CHECK(open.Contains(0));
  DayRange a{10, 20}, b{21, DayRange::kOpenEnd};
  CHECK_FALSE(a.Overlaps(b));
  CHECK(a.Intersect(b).empty());
  CHECK(open.Intersect(a).since == 10);
  CHECK(open.Intersect(b).until == DayRange::kOpenEnd);
}

}  // namespace
}  // namespace licit::sema
