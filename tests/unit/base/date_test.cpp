#include "base/date.h"

#include <catch2/catch.hpp>

namespace licit {
namespace {

TEST_CASE("Day numbers count from 1970-01-01", "[date]") {
  CHECK(DaysFromCivil({1970, 1, 1}) == 0);
  CHECK(DaysFromCivil({1970, 1, 2}) == 1);
  CHECK(DaysFromCivil({1969, 12, 31}) == -1);
  CHECK(DaysFromCivil({2000, 3, 1}) == 11017);
  CHECK(FormatDate(0) == "1970-01-01");
  CHECK(FormatDate(-1) == "1969-12-31");
  CHECK(FormatDate(DaysFromCivil({2026, 1, 6})) == "2026-01-06");
}

TEST_CASE("Civil dates round trip", "[date]") {
  // Every day from 1600 to 2400 covers all leap-year rules (div by 4, 100, 400).
  DayNumber from = DaysFromCivil({1600, 1, 1});
  DayNumber to = DaysFromCivil({2400, 12, 31});
  CivilDate prev = CivilFromDays(from - 1);
  for (DayNumber d = from; d <= to; ++d) {
    CivilDate c = CivilFromDays(d);
    REQUIRE(DaysFromCivil(c) == d);
    REQUIRE(c.day >= 1);
    REQUIRE(c.day <= DaysInMonth(c.year, c.month));
    // Consecutive days: either the next day of the month or the first of the next month.
    if (c.day != 1) REQUIRE(c.day == prev.day + 1);
    prev = c;
  }
}

TEST_CASE("Day numbers at the ends of the range convert without overflow", "[date]") {
  // Far outside any real date, but a day number can get there (date arithmetic, a fuzzer);
  // converting must not overflow (UBSan) and must round trip.
  for (DayNumber d :
       {INT32_MAX, INT32_MAX - 1, INT32_MAX - 719468, INT32_MIN + 146097, INT32_MIN / 2}) {
    CivilDate c = CivilFromDays(d);
    CHECK(DaysFromCivil(c) == d);
    CHECK(c.month >= 1);
    CHECK(c.month <= 12);
  }
  CHECK(FormatDate(INT32_MAX) == "5881580-07-11");
}

TEST_CASE("Leap years", "[date]") {
  CHECK(DaysInMonth(2024, 2) == 29);
  CHECK(DaysInMonth(2023, 2) == 28);
  CHECK(DaysInMonth(1900, 2) == 28);  // divisible by 100, not by 400
  CHECK(DaysInMonth(2000, 2) == 29);  // divisible by 400
  CHECK(DaysInMonth(2026, 4) == 30);
  CHECK(DaysInMonth(2026, 12) == 31);
  CHECK(DaysFromCivil({2024, 3, 1}) - DaysFromCivil({2024, 2, 28}) == 2);
}

TEST_CASE("Full date literals", "[date]") {
  DateError err;
  auto d = ParseDateLiteral("2026-01-06", &err);
  REQUIRE(d);
  CHECK(err == DateError::kNone);
  CHECK_FALSE(d->is_month);
  CHECK(d->first == d->last);
  CHECK(FormatDate(d->first) == "2026-01-06");
  CHECK(ParseDateLiteral("2024-02-29"));
}

TEST_CASE("Month literals denote their first and last day", "[date]") {
  auto m = ParseDateLiteral("2026-01");
  REQUIRE(m);
  CHECK(m->is_month);
  CHECK(FormatDate(m->first) == "2026-01-01");
  CHECK(FormatDate(m->last) == "2026-01-31");
  auto feb = ParseDateLiteral("2024-02");
  REQUIRE(feb);
  CHECK(FormatDate(feb->last) == "2024-02-29");
  auto feb23 = ParseDateLiteral("2023-02");
  REQUIRE(feb23);
  CHECK(FormatDate(feb23->last) == "2023-02-28");
}

TEST_CASE("Invalid date literals say why", "[date]") {
  auto reason = [](std::string_view text) {
    DateError err = DateError::kNone;
    auto d = ParseDateLiteral(text, &err);
    CHECK_FALSE(d);
    return err;
  };
  CHECK(reason("2026-13") == DateError::kMonthOutOfRange);
  CHECK(reason("2026-00") == DateError::kMonthOutOfRange);
  CHECK(reason("2026-13-01") == DateError::kMonthOutOfRange);
  CHECK(reason("2026-02-30") == DateError::kDayOutOfRange);
  CHECK(reason("2023-02-29") == DateError::kDayOutOfRange);
  CHECK(reason("2026-04-31") == DateError::kDayOutOfRange);
  CHECK(reason("2026-01-00") == DateError::kDayOutOfRange);
  CHECK(reason("2026-1-01") == DateError::kSyntax);
  CHECK(reason("26-01-01") == DateError::kSyntax);
  CHECK(reason("2026/01/01") == DateError::kSyntax);
  CHECK(reason("2026-01-01x") == DateError::kSyntax);
  CHECK(reason("2026-0a") == DateError::kSyntax);
  CHECK(reason("") == DateError::kSyntax);
  // The error pointer is optional.
  CHECK_FALSE(ParseDateLiteral("2026-13"));
}

}  // namespace
}  // namespace licit
