// Country names and the aliases export-control lists use ("Korea, South", "Burma", "Turkey"),
// mapped to ISO 3166-1 codes. Used by diagnostics: a policy that writes `Burma` where a country
// is expected is told that Burma is `MM`. Hand-curated (base/country_names.cpp); the
// ISO names themselves come from iso_codes.h.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/iso_codes.h"

namespace licit {

struct CountryAlias {
  std::string_view alias;  // as the lists write it, e.g. "Korea, South"
  std::string_view code;   // ISO 3166-1 alpha-2 (or XK)
};

// The hand-curated alias table (names the ISO table does not spell this way).
std::span<const CountryAlias> CountryAliases();

// The key names are compared by: ASCII letters lower-cased, every character that is not an
// ASCII letter or digit dropped ("Korea, South", "Korea-South" and "korea_south" all give
// "koreasouth"). Non-ASCII letters are kept as they are ("Türkiye" gives "türkiye").
std::string CountryNameKey(std::string_view name);

// The country a name or alias denotes: an alias of the table, or an ISO 3166-1 English name
// (the common name iso_codes.h carries), compared by CountryNameKey. Two-letter codes are not
// names: FindCountryByName("JP") is nullopt (use FindCountry).
std::optional<CountryId> FindCountryByName(std::string_view name);

}  // namespace licit
