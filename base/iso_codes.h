// ISO 3166-1 country codes (plus XK, Kosovo) and ISO 4217 currency codes. The tables are
// generated at build time from Debian's iso-codes JSON (see cmake/IsoCodes.cmake).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace licit {

struct CountryInfo {
  std::string_view code;  // alpha-2, upper case
  std::string_view name;  // the common English name
};

using CountryId = uint16_t;

// Every country literal of the language, sorted by code.
std::span<const CountryInfo> AllCountries();
// Index into AllCountries(), or nullopt when `code` is not a country literal.
std::optional<CountryId> FindCountry(std::string_view code);
// All codes, for did-you-mean.
const std::vector<std::string>& CountryCodes();
// For a mistaken upper-case two-letter name, the best suggestion: well-known confusions first
// (UK -> GB, EL -> GR), then the closest code by edit distance, preferring a same-first-letter one.
std::optional<CountryId> SuggestCountry(std::string_view wrong);

struct CurrencyInfo {
  std::string_view code;  // ISO 4217 alpha-3
  std::string_view name;
};
std::span<const CurrencyInfo> AllCurrencies();
std::optional<uint16_t> FindCurrency(std::string_view code);

}  // namespace licit
