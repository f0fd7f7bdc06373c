// Calendar dates as day numbers (days since 1970-01-01, proleptic Gregorian).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace licit {

using DayNumber = int32_t;

struct CivilDate {
  int32_t year = 1970;
  uint32_t month = 1;  // 1..12
  uint32_t day = 1;    // 1..31
};

DayNumber DaysFromCivil(CivilDate date);
CivilDate CivilFromDays(DayNumber days);
uint32_t DaysInMonth(int32_t year, uint32_t month);
// "YYYY-MM-DD".
std::string FormatDate(DayNumber days);

// The result of reading a date or month literal.
struct DateLiteral {
  bool is_month = false;  // "2026-01": a whole month
  DayNumber first = 0;    // the first day it denotes
  DayNumber last = 0;     // the last day it denotes (== first for a full date)
};

enum class DateError { kNone, kSyntax, kMonthOutOfRange, kDayOutOfRange };

// Parses "YYYY-MM-DD" or "YYYY-MM". On failure returns nullopt and sets *error.
std::optional<DateLiteral> ParseDateLiteral(std::string_view text, DateError* error = nullptr);

}  // namespace licit
