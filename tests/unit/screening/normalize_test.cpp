#include <random>

#include <catch2/catch.hpp>

#include "screening/internal.h"
#include "screening/screening.h"

namespace licit::screening {
namespace {

std::string N(std::string_view s) { return Normalize(s).text; }

TEST_CASE("legal forms are dropped as whole words", "[screening][normalize]") {
  CHECK(N("Kawasaki Heavy Industries, Ltd., Aerospace Systems Company") ==
        "kawasaki heavy industries aerospace systems");
  CHECK(N("Huawei Technologies Co., Ltd.") == "huawei technologies");
  CHECK(N("Siemens AG") == "siemens");
  CHECK(N("Acme GmbH & Co. KG") == "acme kg");
  CHECK(N("OOO Gazprom") == "gazprom");
  CHECK(N("Coca Cola Inc") == "coca cola");
  // Not when they are the whole name.
  CHECK(N("Ltd") == "ltd");
  CHECK(N("Co. Ltd.") == "co ltd");
}

TEST_CASE("dotted abbreviations fold before legal forms go", "[screening][normalize]") {
  CHECK(N("Société Générale S.A.") == "societe generale");
  CHECK(N("K.K. Tanaka") == "tanaka");
  CHECK(N("U.S.A. Trading") == "usa trading");
  CHECK(N("Acme Co.") == "acme");
  CHECK(N("e.ON Energy") == "e on energy");
}

TEST_CASE("punctuation, ampersands and apostrophes", "[screening][normalize]") {
  CHECK(N("A&B Trading") == N("A and B Trading"));
  CHECK(N("A & B") == "a b");
  CHECK(N("McDonald's") == "mcdonalds");
  CHECK(N("McDonald’s") == "mcdonalds");
  CHECK(N("  Acme -- (Holdings)  / Tokyo ") == "acme holdings tokyo");
  CHECK(N("Beta-Tech\tLabs\n") == "beta tech labs");
}

TEST_CASE("diacritics, full-width letters and other scripts", "[screening][normalize]") {
  CHECK(N("Société Générale") == "societe generale");
  CHECK(N("Łódź ÆØÅ Straße") == "lodz aeoa strasse");
  CHECK(N("ŞİŞECAM") == "sisecam");
  CHECK(N("ＡＢＣ　Ｔｒａｄｉｎｇ") == "abc trading");
  CHECK(N("ООО Газпром нефть") == "gazprom neft");
  CHECK(N("Ελληνικά Πετρέλαια") == "ellenika petrelaia");
}

TEST_CASE("CJK names keep their script and lose legal forms", "[screening][normalize]") {
  CHECK(N("三菱重工業株式会社") == "三菱重工業");
  CHECK(N("株式会社 東芝") == "東芝");
  CHECK(N("㈱カワサキ") == "カワサキ");
  CHECK(N("华为技术有限公司") == "华为技术");
  CHECK(N("中国航天科技集团有限公司") == "中国航天科技集团");
  CHECK(N("Sony株式会社") == "sony");
  NormalizedName n = Normalize("三菱 Heavy");
  REQUIRE(n.tokens.size() == 2);
  CHECK(n.tokens[0] == "三菱");
}

TEST_CASE("tokens and text agree", "[screening][normalize]") {
  NormalizedName n = Normalize("Tokyo Electron Ltd.");
  CHECK(n.tokens == std::vector<std::string>{"tokyo", "electron"});
  CHECK(n.text == "tokyo electron");
  CHECK(Normalize("").tokens.empty());
  CHECK(Normalize("!!!").text.empty());
}

TEST_CASE("the ASCII fast path equals the ICU path", "[screening][normalize]") {
  std::mt19937 rng(7);
  const std::string alphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,&'-()/\t\"!?;:_@#";
  NormalizedName icu;
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    size_t len = rng() % 40;
    for (size_t k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
    if (i % 5 == 0) s += " Co., Ltd.";
    if (i % 7 == 0) s = "S.A. " + s + " K.K.";
    NormalizedName fast = Normalize(s);
    internal::NormalizeIcuForTest(s, icu);
    INFO(s);
    REQUIRE(fast.text == icu.text);
    REQUIRE(fast.tokens == icu.tokens);
  }
  // ASCII control characters too.
  for (int c = 1; c < 128; ++c) {
    std::string s = "ab" + std::string(1, static_cast<char>(c)) + "cd";
    internal::NormalizeIcuForTest(s, icu);
    INFO(c);
    CHECK(Normalize(s).text == icu.text);
  }
}

}  // namespace
}  // namespace licit::screening
