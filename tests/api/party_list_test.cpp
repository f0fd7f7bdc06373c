// PartyList (licit.hpp): a restricted-party list read on its own and searched by name, as `licit
// match` does: loading (Licit's and the CSL's columns), list-file problems as diagnostics with
// carets, thresholds, search with country, date and top, cleared entries, normalize, to_json.

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"

namespace {

const std::string kDir = LICIT_SOURCE_DIR "/tests/golden/cli/fixtures/screening/";

licit::PartyList Parties(licit::ListOptions options = {}) {
  licit::PartyList list = licit::PartyList::load(kDir + "parties.csv", options);
  REQUIRE(list.ok());
  return list;
}

std::vector<licit::ListMatch> Search(const licit::PartyList& list, licit::ListQuery query) {
  std::vector<licit::ListMatch> out;
  std::string error;
  REQUIRE(list.search(query, &out, &error));
  CHECK(error.empty());
  return out;
}

const licit::ListMatch* Find(const std::vector<licit::ListMatch>& results, const std::string& id) {
  for (const licit::ListMatch& m : results) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("party list: a clean list loads with its entries and no diagnostics", "[party_list]") {
  const licit::PartyList list = Parties();
  CHECK(list.size() == 10);
  CHECK(list.path() == kDir + "parties.csv");
  CHECK(list.match_threshold() == 0.92);
  CHECK(list.review_threshold() == 0.85);
  const licit::Compilation& diags = list.diagnostics();
  CHECK(diags.ok());
  CHECK(diags.error_count() == 0);
  CHECK(diags.diagnostics().empty());
  CHECK(diags.diagnostics_text().empty());
  CHECK(diags.diagnostics_json() == "{\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n");
  // A list's diagnostics are a Compilation without a policy: policy() is empty, not a crash.
  CHECK_FALSE(diags.policy().valid());
}

TEST_CASE("party list: an empty PartyList is not ok and searches nothing", "[party_list]") {
  const licit::PartyList list;
  CHECK_FALSE(list.ok());
  CHECK(list.size() == 0);
  CHECK(list.path().empty());
  CHECK_FALSE(list.diagnostics().ok());
  CHECK(list.diagnostics().diagnostics_text().empty());
  std::vector<licit::ListMatch> out;
  std::string error;
  CHECK_FALSE(list.search({.name = "Acme"}, &out, &error));
  CHECK_FALSE(error.empty());
}

TEST_CASE("party list: a missing file is E0601 without a location", "[party_list]") {
  const licit::PartyList list = licit::PartyList::load(kDir + "no-such-list.csv");
  CHECK_FALSE(list.ok());
  CHECK(list.size() == 0);
  const std::vector<licit::DiagnosticInfo> diags = list.diagnostics().diagnostics();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E0601");
  CHECK(diags[0].file.empty());
  CHECK(diags[0].message.find("no-such-list.csv") != std::string::npos);
  const std::string text = list.diagnostics().diagnostics_text();
  CHECK(text.find("error[E0601]: cannot read the list file") != std::string::npos);
  CHECK(text.find("1 error found") != std::string::npos);
  CHECK_FALSE(list.diagnostics().policy().valid());

  std::vector<licit::ListMatch> out;
  std::string error;
  CHECK_FALSE(list.search({.name = "Acme"}, &out, &error));
  CHECK(error.find("has errors") != std::string::npos);
}

TEST_CASE("party list: a missing cleared file is E0601 too", "[party_list]") {
  licit::ListOptions options;
  options.cleared = kDir + "no-such-cleared.csv";
  const licit::PartyList list = licit::PartyList::load(kDir + "parties.csv", options);
  CHECK_FALSE(list.ok());
  const std::vector<licit::DiagnosticInfo> diags = list.diagnostics().diagnostics();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E0601");
  CHECK(diags[0].message.find("cleared file") != std::string::npos);
}

TEST_CASE("party list: bad rows are diagnostics at file:line:col with a caret", "[party_list]") {
  const licit::PartyList list = licit::PartyList::load(kDir + "broken.csv");
  CHECK_FALSE(list.ok());
  CHECK(list.size() == 1);  // only the good row is an entry
  const std::vector<licit::DiagnosticInfo> diags = list.diagnostics().diagnostics();
  std::vector<std::string> codes;
  for (const licit::DiagnosticInfo& d : diags) codes.push_back(d.code);
  CHECK(codes == std::vector<std::string>{"E0605", "E0606", "E0604", "E0602"});
  REQUIRE(diags.size() == 4);
  CHECK(diags[0].file == kDir + "broken.csv");
  CHECK(diags[0].line == 3);
  CHECK(diags[0].column == 24);  // the date cell
  CHECK(diags[1].line == 4);
  CHECK(diags[1].help == std::vector<std::string>{"did you mean `GB` (United Kingdom)?"});

  const std::string text = list.diagnostics().diagnostics_text();
  CHECK(text.find("error[E0605]: `2026-02-30` in column `listed` is no such day") !=
        std::string::npos);
  CHECK(text.find(kDir + "broken.csv:3:24") != std::string::npos);
  CHECK(text.find("3 | BR-02,Bad Date Co.,,JP,2026-02-30,,test,") != std::string::npos);
  CHECK(text.find("^^^^^^^^^^") != std::string::npos);
  CHECK(text.find("4 errors found") != std::string::npos);
  const std::string json = list.diagnostics().diagnostics_json();
  CHECK(json.find(R"("code":"E0606")") != std::string::npos);
  CHECK(json.find(R"("errors":4)") != std::string::npos);
}

TEST_CASE("party list: thresholds out of range or crossed are E0607", "[party_list]") {
  SECTION("above 1") {
    licit::ListOptions options;
    options.match = 1.5;
    const licit::PartyList list = licit::PartyList::load(kDir + "parties.csv", options);
    CHECK_FALSE(list.ok());
    const std::vector<licit::DiagnosticInfo> diags = list.diagnostics().diagnostics();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0607");
    CHECK(diags[0].message == "the match threshold is between 0 and 1, found `1.5`");
  }
  SECTION("review above match") {
    licit::ListOptions options;
    options.match = 0.8;  // the default review, 0.85, is then above it
    const licit::PartyList list = licit::PartyList::load(kDir + "parties.csv", options);
    CHECK_FALSE(list.ok());
    const std::vector<licit::DiagnosticInfo> diags = list.diagnostics().diagnostics();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0607");
    CHECK(diags[0].message == "the review threshold 0.85 is above the match threshold 0.8");
  }
  SECTION("both given and in order") {
    licit::ListOptions options;
    options.match = 0.8;
    options.review = 0.7;
    const licit::PartyList list = Parties(options);
    CHECK(list.match_threshold() == 0.8);
    CHECK(list.review_threshold() == 0.7);
  }
}

TEST_CASE("party list: normalize drops case, punctuation and legal forms", "[party_list]") {
  CHECK(licit::PartyList::normalize("Kawasaki Heavy Industries, Ltd.") ==
        "kawasaki heavy industries");
  CHECK(licit::PartyList::normalize("  VOLGA Machine-Tools & Engineering ") ==
        licit::PartyList::normalize("Volga Machine Tools and Engineering"));
  CHECK(licit::PartyList::normalize(" .,;- ").empty());
  // A name of nothing but legal forms keeps them (else it would have nothing to compare).
  CHECK(licit::PartyList::normalize("Co., Ltd.") == "co ltd");
}

TEST_CASE("party list: an exact name, a near miss and a far name", "[party_list]") {
  const licit::PartyList list = Parties();
  SECTION("the name as listed, with another legal form, is an exact match") {
    const auto found = Search(list, {.name = "Shenzhen Hua Xin Electronics Co., Ltd"});
    REQUIRE(!found.empty());
    CHECK(found[0].id == "EL-01");
    CHECK(found[0].verdict == "match");
    CHECK(found[0].exact);
    CHECK(found[0].score == 1.0);
    CHECK(found[0].row == 5);
    CHECK(found[0].countries == std::vector<std::string>{"CN", "HK"});
    CHECK(found[0].listed == "2024-05-09");
    CHECK_FALSE(found[0].delisted);
    CHECK(found[0].source == "Entity List (EAR Part 744)");
  }
  SECTION("an alias") {
    const auto found = Search(list, {.name = "KHI Aerospace Systems"});
    REQUIRE(!found.empty());
    CHECK(found[0].id == "JPC-01");
    CHECK(found[0].exact);
    CHECK(found[0].matched == "KHI Aerospace Systems");
    CHECK(found[0].name == "Kawasaki Heavy Industries Aerospace Systems Co.");
  }
  SECTION("a typo is still found, best first") {
    const auto found = Search(list, {.name = "Tehran Aviaton Parts Trading"});
    REQUIRE(!found.empty());
    CHECK(found[0].id == "EL-03");
    CHECK_FALSE(found[0].exact);
    CHECK(found[0].score < 1.0);
    CHECK(found[0].score >= 0.85);
    CHECK((found[0].verdict == "match" || found[0].verdict == "possible"));
    for (size_t i = 1; i < found.size(); ++i) CHECK(found[i - 1].score >= found[i].score);
  }
  SECTION("word order does not matter") {
    const auto found = Search(list, {.name = "Aerospace Systems Kawasaki Heavy Industries"});
    REQUIRE(!found.empty());
    CHECK(found[0].id == "JPC-01");
    CHECK(found[0].score == 1.0);
  }
  SECTION("a name with nothing in common finds nothing") {
    CHECK(Search(list, {.name = "Toyota Motor"}).empty());
  }
}

TEST_CASE("party list: country, date and top narrow the results", "[party_list]") {
  const licit::PartyList list = Parties();
  SECTION("an entry for other countries is left out; one without countries stays") {
    CHECK(Find(Search(list, {.name = "Nordwind Optics", .country = "DE"}), "UVL-01"));
    CHECK(Find(Search(list, {.name = "Nordwind Optics", .country = "at"}), "UVL-01"));
    CHECK_FALSE(Find(Search(list, {.name = "Nordwind Optics", .country = "FR"}), "UVL-01"));
  }
  SECTION("an entry not yet listed, or no longer listed, is left out on that day") {
    const std::string khi = "Kawasaki Heavy Industries Aerospace Systems";
    CHECK(Find(Search(list, {.name = khi}), "JPC-01"));
    CHECK_FALSE(Find(Search(list, {.name = khi, .date = "2026-02-23"}), "JPC-01"));
    CHECK(Find(Search(list, {.name = khi, .date = "2026-02-24"}), "JPC-01"));
    CHECK(Find(Search(list, {.name = "IHI Aerospace", .date = "2026-06-29"}), "JPC-03"));
    CHECK_FALSE(Find(Search(list, {.name = "IHI Aerospace", .date = "2026-06-30"}), "JPC-03"));
  }
  SECTION("top") {
    const auto all = Search(list, {.name = "Heavy Industries Aerospace", .top = 100});
    REQUIRE(all.size() >= 3);
    const auto two = Search(list, {.name = "Heavy Industries Aerospace", .top = 2});
    REQUIRE(two.size() == 2);
    CHECK(two[0].id == all[0].id);
    CHECK(two[1].id == all[1].id);
    CHECK(Search(list, {.name = "Heavy Industries Aerospace", .top = 0}).empty());
  }
  SECTION("a bad country, date or name is an error with a one-line reason") {
    std::vector<licit::ListMatch> out;
    std::string error;
    CHECK_FALSE(list.search({.name = "Acme", .country = "UK"}, &out, &error));
    CHECK(error ==
          "`UK` is not an ISO 3166-1 alpha-2 country code; did you mean `GB` (United "
          "Kingdom)?");
    CHECK_FALSE(list.search({.name = "Acme", .date = "2026-02-30"}, &out, &error));
    CHECK(error == "`2026-02-30` is not a day: write it as YYYY-MM-DD (the day is out of range)");
    CHECK_FALSE(list.search({.name = "Acme", .date = "2026-02"}, &out, &error));
    CHECK_FALSE(list.search({.name = " .,;- "}, &out, &error));
    CHECK(error.find("nothing to compare") != std::string::npos);
  }
}

TEST_CASE("party list: cleared entries are shown as cleared, with who and when", "[party_list]") {
  licit::ListOptions options;
  options.cleared = kDir + "parties-cleared.csv";
  const licit::PartyList list = Parties(options);
  SECTION("by id") {
    const auto found = Search(list, {.name = "Nordwind Optics Basel"});
    const licit::ListMatch* m = Find(found, "UVL-01");
    REQUIRE(m);
    CHECK(m->verdict == "cleared");
    CHECK(m->cleared_by == "A. Analyst");
    CHECK(m->cleared_on == "2026-03-02");
    CHECK(m->cleared_note == "different company: a Swiss lens maker in Basel");
    CHECK(m->score > 0);
  }
  SECTION("by name") {
    const auto found = Search(list, {.name = "Golden Crescent Shipping Agency"});
    const licit::ListMatch* m = Find(found, "SDN-01");
    REQUIRE(m);
    CHECK(m->verdict == "cleared");
    CHECK(m->cleared_by == "B. Reviewer");
  }
  SECTION("only for the party cleared: another name still matches") {
    const auto found = Search(list, {.name = "Nordwind Optics GmbH"});
    REQUIRE(!found.empty());
    CHECK(found[0].id == "UVL-01");
    CHECK(found[0].verdict == "match");
    CHECK_FALSE(found[0].cleared_by);
  }
}

TEST_CASE("party list: the CSL's columns", "[party_list]") {
  licit::ListOptions options;
  options.csl = true;
  const licit::PartyList list = licit::PartyList::load(kDir + "csl.csv", options);
  REQUIRE(list.ok());
  CHECK(list.size() == 4);
  const auto found = Search(list, {.name = "Hua Xin Electronic Technology", .country = "HK"});
  REQUIRE(!found.empty());
  CHECK(found[0].id == "e1f0a1");  // no entity_number: the CSL's _id
  CHECK(found[0].matched == "Hua Xin Electronic Technology");
  CHECK(found[0].countries == std::vector<std::string>{"CN", "HK"});
  CHECK(found[0].source == "Entity List (EL) - Bureau of Industry and Security");
  // Read with Licit's columns, the CSL file has no `aliases`, `country`...: still a list, by name.
  const licit::PartyList plain = licit::PartyList::load(kDir + "csl.csv");
  CHECK(plain.ok());
}

TEST_CASE("party list: to_json is one document with the query and the results", "[party_list]") {
  licit::ListOptions options;
  options.cleared = kDir + "parties-cleared.csv";
  const licit::PartyList list = Parties(options);
  const licit::ListQuery query{.name = "Nordwind Optics Basel", .country = "DE", .top = 1};
  const auto found = Search(list, query);
  REQUIRE(found.size() == 1);
  const std::string json = list.to_json(query, found);
  CHECK(json.starts_with("{\"list\":\"" + kDir + "parties.csv\",\"entries\":10,"));
  CHECK(json.find(R"("thresholds":{"match":0.92,"review":0.85})") != std::string::npos);
  CHECK(json.find(R"("query":{"name":"Nordwind Optics Basel","normalized":"nordwind )"
                  R"(optics basel","country":"DE","date":null,"top":1})") != std::string::npos);
  CHECK(json.find(R"("verdict":"cleared")") != std::string::npos);
  CHECK(json.find(R"("cleared":{"by":"A. Analyst","on":"2026-03-02","note":"different company: )"
                  R"(a Swiss lens maker in Basel"}})") != std::string::npos);
  CHECK(json.ends_with("]}"));
}
