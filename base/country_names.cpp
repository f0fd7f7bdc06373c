#include "base/country_names.h"

#include <unordered_map>

namespace licit {
namespace {

// Names export-control lists, customs forms and people use for countries that ISO 3166-1 spells
// otherwise (the ISO names are matched separately). Sources: the Commerce Country Chart and
// Country Groups (15 CFR 738 and 740: "Burma", "Korea, South", "Korea, North", "Macau",
// "Türkiye"), the EU and UN lists, and common English usage.
constexpr CountryAlias kAliases[] = {
    // East Asia
    {"Korea, South", "KR"},
    {"Korea (South)", "KR"},
    {"South Korea", "KR"},
    {"Republic of Korea", "KR"},
    {"ROK", "KR"},
    {"Korea, North", "KP"},
    {"Korea (North)", "KP"},
    {"North Korea", "KP"},
    {"DPRK", "KP"},
    {"Democratic People's Republic of Korea", "KP"},
    {"Burma", "MM"},
    {"Macau", "MO"},
    {"Macao", "MO"},
    {"Hong Kong", "HK"},
    {"Taiwan", "TW"},
    {"Republic of China", "TW"},
    {"China", "CN"},
    {"PRC", "CN"},
    {"People's Republic of China", "CN"},
    {"Mainland China", "CN"},
    {"Vietnam", "VN"},
    {"Viet Nam", "VN"},
    {"Laos", "LA"},
    {"Brunei", "BN"},
    {"East Timor", "TL"},
    // Europe and Central Asia
    {"Russia", "RU"},
    {"Turkey", "TR"},
    {"Turkiye", "TR"},
    {"Czech Republic", "CZ"},
    {"Czechia", "CZ"},
    {"Slovak Republic", "SK"},
    {"UK", "GB"},
    {"U.K.", "GB"},
    {"Great Britain", "GB"},
    {"Britain", "GB"},
    {"England", "GB"},
    {"Scotland", "GB"},
    {"Wales", "GB"},
    {"Northern Ireland", "GB"},
    {"Holland", "NL"},
    {"The Netherlands", "NL"},
    {"Macedonia", "MK"},
    {"FYROM", "MK"},
    {"Former Yugoslav Republic of Macedonia", "MK"},
    {"Moldova", "MD"},
    {"Kyrgyz Republic", "KG"},
    {"Kosovo", "XK"},
    {"Bosnia", "BA"},
    {"Bosnia-Herzegovina", "BA"},
    {"Vatican", "VA"},
    {"Vatican City", "VA"},
    {"Holy See", "VA"},
    // Middle East and Africa
    {"Iran", "IR"},
    {"Syria", "SY"},
    {"UAE", "AE"},
    {"Emirates", "AE"},
    {"Palestine", "PS"},
    {"Ivory Coast", "CI"},
    {"Cote d'Ivoire", "CI"},
    {"Swaziland", "SZ"},
    {"Cape Verde", "CV"},
    {"Tanzania", "TZ"},
    {"Congo (Kinshasa)", "CD"},
    {"Democratic Republic of the Congo", "CD"},
    {"DR Congo", "CD"},
    {"DRC", "CD"},
    {"Zaire", "CD"},
    {"Congo (Brazzaville)", "CG"},
    {"Republic of the Congo", "CG"},
    {"The Gambia", "GM"},
    // The Americas and Oceania
    {"USA", "US"},
    {"U.S.", "US"},
    {"U.S.A.", "US"},
    {"United States of America", "US"},
    {"America", "US"},
    {"Bolivia", "BO"},
    {"Venezuela", "VE"},
    {"The Bahamas", "BS"},
    {"St. Kitts and Nevis", "KN"},
    {"St. Lucia", "LC"},
    {"St. Vincent and the Grenadines", "VC"},
    {"Micronesia", "FM"},
    {"Falkland Islands", "FK"},
};

const std::unordered_map<std::string, CountryId>& Index() {
  static const std::unordered_map<std::string, CountryId> index = [] {
    std::unordered_map<std::string, CountryId> out;
    // ISO names first, so an alias never shadows them (they agree anyway).
    auto all = AllCountries();
    for (CountryId i = 0; i < all.size(); ++i) out.emplace(CountryNameKey(all[i].name), i);
    for (const CountryAlias& a : kAliases) {
      if (auto id = FindCountry(a.code)) out.emplace(CountryNameKey(a.alias), *id);
    }
    return out;
  }();
  return index;
}

}  // namespace

std::span<const CountryAlias> CountryAliases() { return kAliases; }

std::string CountryNameKey(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 'A' && c <= 'Z') {
      key.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      key.push_back(ch);
    }
  }
  return key;
}

std::optional<CountryId> FindCountryByName(std::string_view name) {
  if (name.size() == 2 && FindCountry(name)) return std::nullopt;  // a code, not a name
  std::string key = CountryNameKey(name);
  if (key.empty()) return std::nullopt;
  const auto& index = Index();
  auto it = index.find(key);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

}  // namespace licit
