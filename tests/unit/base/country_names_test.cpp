#include "base/country_names.h"

#include <catch2/catch.hpp>

namespace licit {
namespace {

std::string CodeOf(std::string_view name) {
  auto id = FindCountryByName(name);
  return id ? std::string(AllCountries()[*id].code) : std::string("none");
}

TEST_CASE("export-control aliases map to ISO codes", "[country_names]") {
  CHECK(CodeOf("Korea, South") == "KR");
  CHECK(CodeOf("Korea, North") == "KP");
  CHECK(CodeOf("North Korea") == "KP");
  CHECK(CodeOf("Burma") == "MM");
  CHECK(CodeOf("Türkiye") == "TR");
  CHECK(CodeOf("Turkey") == "TR");
  CHECK(CodeOf("Russia") == "RU");
  CHECK(CodeOf("Iran") == "IR");
  CHECK(CodeOf("Syria") == "SY");
  CHECK(CodeOf("Taiwan") == "TW");
  CHECK(CodeOf("Vietnam") == "VN");
  CHECK(CodeOf("Laos") == "LA");
  CHECK(CodeOf("Macau") == "MO");
  CHECK(CodeOf("Czechia") == "CZ");
  CHECK(CodeOf("UK") == "GB");
  CHECK(CodeOf("Great Britain") == "GB");
  CHECK(CodeOf("Holland") == "NL");
  CHECK(CodeOf("Ivory Coast") == "CI");
  CHECK(CodeOf("Swaziland") == "SZ");
  CHECK(CodeOf("Macedonia") == "MK");
  CHECK(CodeOf("Kosovo") == "XK");
}

TEST_CASE("ISO names are found too, whatever the spelling of spaces and case", "[country_names]") {
  CHECK(CodeOf("Japan") == "JP");
  CHECK(CodeOf("japan") == "JP");
  CHECK(CodeOf("United Arab Emirates") == "AE");
  CHECK(CodeOf("United_Arab_Emirates") == "AE");
  CHECK(CodeOf("south-korea") == "KR");
  CHECK(CodeOf("KoreaSouth") == "KR");
  CHECK(CodeOf("Russian Federation") == "RU");
}

TEST_CASE("codes and unknown words are not names", "[country_names]") {
  CHECK(CodeOf("JP") == "none");
  CHECK(CodeOf("") == "none");
  CHECK(CodeOf(", ") == "none");
  CHECK(CodeOf("dual-use") == "none");
  CHECK(CodeOf("Atlantis") == "none");
}

TEST_CASE("every alias names a country literal", "[country_names]") {
  for (const CountryAlias& a : CountryAliases()) {
    INFO(a.alias);
    CHECK(FindCountry(a.code).has_value());
    CHECK(CodeOf(a.alias) == std::string(a.code));
  }
  CHECK(CountryNameKey("Korea, South") == "koreasouth");
  CHECK(CountryNameKey("Côte d'Ivoire") == "c\xc3\xb4tedivoire");
}

}  // namespace
}  // namespace licit
