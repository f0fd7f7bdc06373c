#include "base/iso_codes.h"

#include <algorithm>

#include <catch2/catch.hpp>

namespace licit {
namespace {

std::string_view CodeOf(std::optional<CountryId> id) {
  return id ? AllCountries()[*id].code : std::string_view("<none>");
}

TEST_CASE("FindCountry knows ISO 3166-1 codes and XK", "[iso]") {
  auto jp = FindCountry("JP");
  REQUIRE(jp);
  CHECK(AllCountries()[*jp].code == "JP");
  CHECK(AllCountries()[*jp].name == "Japan");
  auto xk = FindCountry("XK");  // Kosovo: not in ISO 3166-1 but used by trade lists
  REQUIRE(xk);
  CHECK(AllCountries()[*xk].name.find("Kosovo") != std::string_view::npos);
  CHECK(FindCountry("US"));
  CHECK(FindCountry("CN"));
  CHECK_FALSE(FindCountry("UK"));
  CHECK_FALSE(FindCountry("ZZ"));
  CHECK_FALSE(FindCountry("jp"));  // country literals are upper case
  CHECK_FALSE(FindCountry("JPN"));
  CHECK_FALSE(FindCountry(""));
}

TEST_CASE("The country table is sorted and complete", "[iso]") {
  auto all = AllCountries();
  CHECK(all.size() >= 249);
  CHECK(std::is_sorted(all.begin(), all.end(),
                       [](const CountryInfo& a, const CountryInfo& b) { return a.code < b.code; }));
  for (const auto& c : all) {
    CHECK(c.code.size() == 2);
    CHECK_FALSE(c.name.empty());
  }
  CHECK(CountryCodes().size() == all.size());
}

TEST_CASE("SuggestCountry knows common confusions", "[iso]") {
  CHECK(CodeOf(SuggestCountry("UK")) == "GB");
  CHECK(CodeOf(SuggestCountry("EL")) == "GR");
  CHECK(CodeOf(SuggestCountry("JA")) == "JP");
  // Otherwise a one-letter slip, keeping the first letter when possible.
  CHECK(CodeOf(SuggestCountry("JX"))[0] == 'J');
  CHECK_FALSE(SuggestCountry("EUR"));
}

TEST_CASE("Currencies", "[iso]") {
  auto usd = FindCurrency("USD");
  REQUIRE(usd);
  CHECK(AllCurrencies()[*usd].code == "USD");
  CHECK(AllCurrencies()[*usd].name == "US Dollar");
  CHECK(FindCurrency("EUR"));
  CHECK(FindCurrency("JPY"));
  CHECK_FALSE(FindCurrency("usd"));
  CHECK_FALSE(FindCurrency("ABC"));
}

}  // namespace
}  // namespace licit
