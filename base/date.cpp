#include "base/date.h"

#include <fmt/format.h>

namespace licit {

// Howard Hinnant's days_from_civil algorithm (public domain description of the maths).
// In 64 bits, like CivilFromDays, so the years of extreme day numbers convert back exactly.
DayNumber DaysFromCivil(CivilDate d) {
  const int64_t y = static_cast<int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  uint32_t yoe = static_cast<uint32_t>(y - era * 400);
  uint32_t mp = (d.month + 9) % 12;
  uint32_t doy = (153 * mp + 2) / 5 + d.day - 1;
  uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<DayNumber>(era * 146097 + static_cast<int64_t>(doe) - 719468);
}

CivilDate CivilFromDays(DayNumber days) {
  // In 64 bits: any DayNumber, even near INT32_MAX, shifts and divides without overflow (the
  // year of such a day, about 5.9 million, still fits an int32_t).
  const int64_t z = static_cast<int64_t>(days) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  uint32_t doe = static_cast<uint32_t>(z - era * 146097);
  uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int32_t y = static_cast<int32_t>(static_cast<int64_t>(yoe) + era * 400);
  uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint32_t mp = (5 * doy + 2) / 153;
  uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2 ? 1 : 0), m, d};
}

uint32_t DaysInMonth(int32_t year, uint32_t month) {
  static constexpr uint32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

std::string FormatDate(DayNumber days) {
  CivilDate c = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

namespace {
bool ReadDigits(std::string_view text, size_t pos, size_t count, uint32_t* out) {
  if (pos + count > text.size()) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  *out = v;
  return true;
}
}  // namespace

std::optional<DateLiteral> ParseDateLiteral(std::string_view text, DateError* error) {
  DateError ignored;
  DateError& err = error ? *error : ignored;
  err = DateError::kNone;
  uint32_t year, month, day = 0;
  bool is_month = text.size() == 7;
  if ((text.size() != 7 && text.size() != 10) || !ReadDigits(text, 0, 4, &year) || text[4] != '-' ||
      !ReadDigits(text, 5, 2, &month) ||
      (!is_month && (text[7] != '-' || !ReadDigits(text, 8, 2, &day)))) {
    err = DateError::kSyntax;
    return std::nullopt;
  }
  if (month < 1 || month > 12) {
    err = DateError::kMonthOutOfRange;
    return std::nullopt;
  }
  int32_t y = static_cast<int32_t>(year);
  if (is_month) {
    DateLiteral lit;
    lit.is_month = true;
    lit.first = DaysFromCivil({y, month, 1});
    lit.last = DaysFromCivil({y, month, DaysInMonth(y, month)});
    return lit;
  }
  if (day < 1 || day > DaysInMonth(y, month)) {
    err = DateError::kDayOutOfRange;
    return std::nullopt;
  }
  DayNumber d = DaysFromCivil({y, month, day});
  return DateLiteral{false, d, d};
}

}  // namespace licit
