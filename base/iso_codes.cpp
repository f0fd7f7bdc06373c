#include "base/iso_codes.h"

#include <algorithm>

#include "base/did_you_mean.h"

namespace licit {
namespace {

// Generated: LICIT_COUNTRY("JP", "Japan") lines, sorted by code, XK included.
constexpr CountryInfo kCountries[] = {
#define LICIT_COUNTRY(code, name) {code, name},
#include "iso_countries.inc"
#undef LICIT_COUNTRY
};

constexpr CurrencyInfo kCurrencies[] = {
#define LICIT_CURRENCY(code, name) {code, name},
#include "iso_currencies.inc"
#undef LICIT_CURRENCY
};

template <typename Table>
std::optional<uint16_t> FindSorted(const Table& table, std::string_view code) {
  auto it = std::lower_bound(std::begin(table), std::end(table), code,
                             [](const auto& entry, std::string_view c) { return entry.code < c; });
  if (it == std::end(table) || it->code != code) return std::nullopt;
  return static_cast<uint16_t>(it - std::begin(table));
}

}  // namespace

std::span<const CountryInfo> AllCountries() { return kCountries; }

std::optional<CountryId> FindCountry(std::string_view code) {
  // Record readers look up a country per record: a table by the two upper-case letters answers
  // in one load (built once; 0xFFFF marks "no such code").
  static const std::vector<uint16_t> table = [] {
    std::vector<uint16_t> t(26 * 26, 0xFFFF);
    for (CountryId i = 0; i < std::size(kCountries); ++i) {
      std::string_view c = kCountries[i].code;
      if (c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z')
        t[static_cast<size_t>(c[0] - 'A') * 26 + static_cast<size_t>(c[1] - 'A')] = i;
    }
    return t;
  }();
  if (code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z') {
    uint16_t id =
        table[static_cast<size_t>(code[0] - 'A') * 26 + static_cast<size_t>(code[1] - 'A')];
    if (id == 0xFFFF) return std::nullopt;
    return id;
  }
  return FindSorted(kCountries, code);
}

const std::vector<std::string>& CountryCodes() {
  static const std::vector<std::string> codes = [] {
    std::vector<std::string> out;
    for (const auto& c : kCountries) out.emplace_back(c.code);
    return out;
  }();
  return codes;
}

std::optional<CountryId> SuggestCountry(std::string_view wrong) {
  // Codes people write by habit that ISO 3166-1 spells otherwise.
  static constexpr std::pair<std::string_view, std::string_view> kHabits[] = {
      {"UK", "GB"}, {"EL", "GR"}, {"EN", "GB"}, {"KO", "KR"}, {"SP", "ES"}, {"JA", "JP"},
      {"TU", "TR"}, {"SZ", "CH"}, {"RP", "PH"}, {"BU", "MM"}, {"DA", "DK"}, {"SW", "SE"},
  };
  for (auto [from, to] : kHabits) {
    if (wrong == from) return FindCountry(to);
  }
  // Two-letter codes are all within two edits of each other, so only a one-letter slip counts,
  // and a code sharing the first letter wins over one sharing the second (people mistype the
  // second letter more often).
  if (wrong.size() != 2) return std::nullopt;
  std::optional<CountryId> second_letter_match;
  for (CountryId i = 0; i < std::size(kCountries); ++i) {
    std::string_view code = kCountries[i].code;
    if (code[0] == wrong[0] && code[1] != wrong[1]) return i;
    if (!second_letter_match && code[1] == wrong[1] && code[0] != wrong[0]) second_letter_match = i;
  }
  return second_letter_match;
}

std::span<const CurrencyInfo> AllCurrencies() { return kCurrencies; }

std::optional<uint16_t> FindCurrency(std::string_view code) {
  return FindSorted(kCurrencies, code);
}

}  // namespace licit
