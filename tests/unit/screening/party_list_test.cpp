#include <random>
#include <thread>

#include <catch2/catch.hpp>

#include "screening/screening.h"

namespace licit::screening {
namespace {

struct Loaded {
  SourceManager sources;
  DiagnosticSink diags;
  std::unique_ptr<PartyList> list;
  FileId file = kNoFile;

  Loaded(std::string text, ListFormat format = ListFormat::Licit) {
    file = sources.Add("list.csv", std::move(text));
    list = PartyList::Parse(sources.Get(file), format, diags);
  }
  void Cleared(std::string text) {
    FileId f = sources.Add("cleared.csv", std::move(text));
    list->AddCleared(sources.Get(f), diags);
  }
  // "E0605 3:12" for each diagnostic.
  std::vector<std::string> Codes() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diags.all()) {
      LineCol lc = sources.Get(d.span.file).Locate(d.span.begin);
      out.push_back(std::string(InfoOf(d.kind).code) + " " + std::to_string(lc.line) + ":" +
                    std::to_string(lc.column));
    }
    return out;
  }
};

DayNumber Day(int y, unsigned m, unsigned d) { return DaysFromCivil({y, m, d}); }
const DayNumber kToday = Day(2026, 3, 1);

TEST_CASE("a list in Licit's format", "[screening][list]") {
  Loaded l(
      "\xEF\xBB\xBFid,name,aliases,country,listed,delisted,source,remarks\r\n"
      "JP-1,Kawasaki Heavy Industries Aerospace Systems,KHI Aerospace; Kawasaki Aero,JP,"
      "2026-02-24,,MOFCOM,\r\n"
      "\r\n"
      "JP-2,\"Mitsubishi Heavy Industries, Ltd.\",,JP;US,,2027-01-01,MOFCOM,\"two\nlines\"\r\n");
  CHECK(l.Codes().empty());
  REQUIRE(l.list->entries().size() == 2);
  const Entry& a = l.list->entries()[0];
  CHECK(a.row == 2);
  CHECK(a.id == "JP-1");
  CHECK(a.aliases == std::vector<std::string>{"KHI Aerospace", "Kawasaki Aero"});
  REQUIRE(a.countries.size() == 1);
  CHECK(AllCountries()[a.countries[0]].code == "JP");
  CHECK(a.listed == Day(2026, 2, 24));
  CHECK(a.delisted == INT32_MAX);
  const Entry& b = l.list->entries()[1];
  CHECK(b.row == 4);
  CHECK(b.name == "Mitsubishi Heavy Industries, Ltd.");
  CHECK(b.countries.size() == 2);
  CHECK(b.delisted == Day(2027, 1, 1));
  CHECK(b.remarks == "two\nlines");
}

TEST_CASE("columns by name, in any order, only name required", "[screening][list]") {
  Loaded l("remarks,Name,extra\nx,Acme,ignored\n,Zenith Trading,\n");
  CHECK(l.Codes().empty());
  REQUIRE(l.list->entries().size() == 2);
  CHECK(l.list->entries()[0].name == "Acme");
  CHECK(l.list->entries()[0].remarks == "x");
  CHECK(l.list->entries()[1].countries.empty());
}

TEST_CASE("list file errors at their line and column", "[screening][list]") {
  SECTION("missing name column") {
    Loaded l("id,title\n1,Acme\n");
    CHECK(l.Codes() == std::vector<std::string>{"E0603 1:1"});
    CHECK(l.list->entries().empty());
  }
  SECTION("empty file") {
    Loaded l("");
    CHECK(l.Codes() == std::vector<std::string>{"E0603 1:1"});
  }
  SECTION("row errors leave the row out") {
    Loaded l(
        "id,name,country,listed\n"
        "1,,JP,\n"                 // E0604 at the empty name cell
        "2,Acme,UK,\n"             // E0606 at UK
        "3,Beta,JP;XX,\n"          // E0606 at XX
        "4,Gamma,JP,2026-02-30\n"  // E0605
        "5,Delta,,2026-02\n"       // E0605: a month
        "6,Epsilon,,,extra\n"      // E0602: a cell past the header
        "7,Zeta,,,\n"              // an empty extra cell is fine
        "8,\"Eta\n");              // E0602: unterminated quote
    CHECK(l.Codes() == std::vector<std::string>{"E0604 2:3", "E0606 3:8", "E0606 4:11",
                                                "E0605 5:12", "E0605 6:10", "E0602 7:13",
                                                "E0602 9:3"});
    REQUIRE(l.list->entries().size() == 1);
    CHECK(l.list->entries()[0].name == "Zeta");
    CHECK(l.diags.all()[1].help == std::vector<std::string>{"did you mean `GB` (United Kingdom)?"});
  }
  SECTION("invalid UTF-8") {
    Loaded l("name\nAc\xFFme\nBeta\n");
    CHECK(l.Codes() == std::vector<std::string>{"E0002 2:3"});
    CHECK(l.list->entries().size() == 1);
  }
  SECTION("duplicate ids warn and keep both rows") {
    Loaded l("id,name\nA1,Acme\nA2,Beta\nA1,Gamma\n");
    CHECK(l.Codes() == std::vector<std::string>{"W0009 4:1"});
    CHECK(l.diags.all()[0].secondary.size() == 1);
    CHECK(l.list->entries().size() == 3);
  }
}

TEST_CASE("the CSL's CSV format", "[screening][list]") {
  Loaded l(
      "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,"
      "start_date,end_date,standard_order,license_requirement,license_policy,call_sign,"
      "vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,"
      "source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,"
      "source_information_url,ids\n"
      "abc123,Entity List (EL) - Bureau of Industry and Security,,,,Beihang University,,"
      "\"37 Xueyuan Road, Haidian District, Beijing, CN; 1 Main St, Hong Kong, HK\",,"
      "2020-06-05,,,,,,,,,,,,,\"Beijing University of Aeronautics and Astronautics; BUAA\","
      ",,,,,\n"
      "def456,Denied Persons List (DPL) - Bureau of Industry and Security,,,,Test Person,,"
      "\"123 S. Test Drive, Scottsdale, AZ, 85251\",,2017-10-18,2020-10-15,,,,,,,,,,,,,,,,,,\n",
      ListFormat::Csl);
  CHECK(l.Codes().empty());
  REQUIRE(l.list->entries().size() == 2);
  const Entry& a = l.list->entries()[0];
  CHECK(a.id == "abc123");  // no entity_number: _id
  CHECK(a.aliases.size() == 2);
  REQUIRE(a.countries.size() == 2);
  CHECK(AllCountries()[a.countries[0]].code == "CN");
  CHECK(AllCountries()[a.countries[1]].code == "HK");
  CHECK(a.listed == Day(2020, 6, 5));
  CHECK(a.source == "Entity List (EL) - Bureau of Industry and Security");
  const Entry& b = l.list->entries()[1];
  CHECK(b.countries.empty());  // a ZIP code is no country
  CHECK(b.delisted == Day(2020, 10, 15));
  Hit h = l.list->Screen("BUAA", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::Match);
  CHECK(h.exact);
  CHECK(h.entry == &a);
}

const char* kList =
    "id,name,aliases,country,listed,delisted\n"
    "1,Kawasaki Heavy Industries Aerospace Systems,,JP,2026-02-24,\n"
    "2,Mitsubishi Heavy Industries Shipbuilding,,,,\n"
    "3,Tokyo Institute of Technology,Tokyo Tech,JP,,2026-01-01\n"
    "4,Rosoboronexport,Rosoboron Export,RU,,\n";

TEST_CASE("screening: exact, match, possible, none", "[screening][screen]") {
  Loaded l(kList);
  REQUIRE(l.Codes().empty());
  const auto& e = l.list->entries();
  Hit h = l.list->Screen("Kawasaki Heavy Industries, Ltd., Aerospace Systems Company", std::nullopt,
                         kToday);
  CHECK(h.kind == Hit::Kind::Match);
  CHECK(h.exact);
  CHECK(h.score == 1.0);
  CHECK(h.entry == &e[0]);
  CHECK(h.matched == "Kawasaki Heavy Industries Aerospace Systems");

  h = l.list->Screen("Mitsubishi Heavy Industires Shipbuilding Co.", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::Match);
  CHECK_FALSE(h.exact);
  CHECK(h.entry == &e[1]);
  CHECK(h.score * 100 == Approx(std::round(h.score * 100)));

  h = l.list->Screen("Mitsubishi Heavy Shipbuilding", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::Possible);
  CHECK(h.entry == &e[1]);

  h = l.list->Screen("Rosoboron Export", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::Match);
  CHECK(h.matched == "Rosoboron Export");

  h = l.list->Screen("Zenith Trading", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::None);
  h = l.list->Screen("", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::None);
  CHECK(h.entry == nullptr);
}

TEST_CASE("screening: dates and countries", "[screening][screen]") {
  Loaded l(kList);
  const auto jp = FindCountry("JP"), us = FindCountry("US");
  const char* khi = "Kawasaki Heavy Industries Aerospace Systems";
  CHECK(l.list->Screen(khi, jp, kToday).kind == Hit::Kind::Match);
  CHECK(l.list->Screen(khi, std::nullopt, kToday).kind == Hit::Kind::Match);
  CHECK(l.list->Screen(khi, us, kToday).kind == Hit::Kind::None);
  CHECK(l.list->Screen(khi, jp, Day(2026, 2, 23)).kind == Hit::Kind::None);
  CHECK(l.list->Screen(khi, jp, Day(2026, 2, 24)).kind == Hit::Kind::Match);
  // Delisted from 2026-01-01 on.
  CHECK(l.list->Screen("Tokyo Tech", jp, Day(2025, 12, 31)).kind == Hit::Kind::Match);
  CHECK(l.list->Screen("Tokyo Tech", jp, Day(2026, 1, 1)).kind == Hit::Kind::None);
  // An entry without countries applies to any.
  CHECK(l.list->Screen("Mitsubishi Heavy Industries Shipbuilding", us, kToday).kind ==
        Hit::Kind::Match);
}

TEST_CASE("thresholds", "[screening][screen]") {
  Loaded l(kList);
  const char* near = "Mitsubishi Heavy Shipbuilding";
  double s = l.list->Screen(near, std::nullopt, kToday).score;
  l.list->set_thresholds({s, s});
  CHECK(l.list->Screen(near, std::nullopt, kToday).kind == Hit::Kind::Match);
  l.list->set_thresholds({s + 0.01, s});
  CHECK(l.list->Screen(near, std::nullopt, kToday).kind == Hit::Kind::Possible);
  l.list->set_thresholds({s + 0.02, s + 0.01});
  Hit h = l.list->Screen(near, std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::None);
}

TEST_CASE("cleared files", "[screening][cleared]") {
  Loaded l(kList);
  l.Cleared(
      "party,entry,decided_by,decided_on,note\n"
      "Mitsubishi Heavy Shipbuilding Co.,2,a.analyst,2026-02-01,different company\n"
      "Rosoboronexport,4,a.analyst,2026-02-01,cannot clear an exact match\n"
      "Acme,Tokyo Tech,b.analyst,2026-02-02,by alias\n"
      "Acme,99,b.analyst,2026-02-02,\n"        // E0608
      "Acme,Kawasaki,b.analyst,2026-02-30,\n"  // E0605
      ",1,b.analyst,2026-02-02,\n");           // E0604
  CHECK(l.Codes() == std::vector<std::string>{"E0608 5:6", "E0605 6:25", "E0604 7:1"});
  REQUIRE(l.list->clearances().size() == 3);
  CHECK(l.list->clearances()[0].party == "mitsubishi heavy shipbuilding");
  CHECK(l.list->clearances()[0].decided_on == Day(2026, 2, 1));

  Hit h = l.list->Screen("Mitsubishi Heavy Shipbuilding", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::None);
  REQUIRE(h.cleared != nullptr);
  CHECK(h.cleared->decided_by == "a.analyst");
  CHECK(h.cleared_entry == &l.list->entries()[1]);
  // Another party is not cleared.
  CHECK(l.list->Screen("Mitsubishi Heavy Industries", std::nullopt, kToday).kind ==
        Hit::Kind::Possible);
  // Exact matches stay matches.
  h = l.list->Screen("Rosoboronexport", std::nullopt, kToday);
  CHECK(h.kind == Hit::Kind::Match);
  CHECK(h.exact);
  CHECK(h.cleared == nullptr);
}

TEST_CASE("Top: the best k entries by score, ties by row", "[screening][top]") {
  Loaded l("name\nAcme Trading\nAcme Trading Holdings\nAcme Tradng\nZenith\nAcme Tradinc\n");
  auto top = l.list->Top("Acme Trading Co.", std::nullopt, std::nullopt, 3);
  REQUIRE(top.size() == 3);
  CHECK(top[0].entry->row == 2);
  CHECK(top[0].exact);
  CHECK(top[0].kind == Hit::Kind::Match);
  CHECK(top[1].score >= top[2].score);
  if (top[1].score == top[2].score) CHECK(top[1].entry->row < top[2].entry->row);
  auto all = l.list->Top("Acme Trading", std::nullopt, std::nullopt, 10);
  CHECK(all.size() == 4);  // Zenith shares nothing
  CHECK(l.list->Top("Acme", std::nullopt, std::nullopt, 0).empty());
}

// A generated list for recall and property tests.
struct Generated {
  std::string csv;
  std::vector<std::string> names;
};

Generated Generate(size_t n, uint32_t seed) {
  const char* syl[] = {"ka",  "wa",  "mi",  "tsu", "bi",  "shi", "ro",  "ze",  "lan", "dor",
                       "tek", "mar", "vel", "nex", "qua", "bel", "tra", "zan", "hel", "gor"};
  const char* words[] = {"Heavy",       "Industries", "Trading",   "Systems",
                         "Electronics", "Machinery",  "Aerospace", "Precision",
                         "Holdings",    "Group",      "Optics",    "Energy"};
  std::mt19937 rng(seed);
  Generated g;
  g.csv = "id,name\n";
  for (size_t i = 0; i < n; ++i) {
    std::string name;
    for (size_t k = 0, m = 2 + rng() % 2; k < m; ++k) name += syl[rng() % 20];
    for (size_t k = 0, m = rng() % 3; k < m; ++k) name += std::string(" ") + words[rng() % 12];
    g.names.push_back(name);
    g.csv += std::to_string(i) + "," + name + "\n";
  }
  return g;
}

std::string Typo(std::mt19937& rng, std::string s) {
  size_t p = 1 + rng() % (s.size() - 2);
  switch (rng() % 4) {
    case 0: s[p] = static_cast<char>('a' + rng() % 26); break;
    case 1: s.erase(p, 1); break;
    case 2: s.insert(s.begin() + static_cast<long>(p), static_cast<char>('a' + rng() % 26)); break;
    default: std::swap(s[p], s[p + 1 < s.size() ? p + 1 : p - 1]); break;
  }
  return s;
}

TEST_CASE("index recall: every entry found by its name with one typo", "[screening][index]") {
  Generated g = Generate(2000, 1);
  Loaded l(g.csv);
  REQUIRE(l.Codes().empty());
  std::mt19937 rng(2);
  for (size_t i = 0; i < g.names.size(); ++i) {
    std::string q = Typo(rng, g.names[i]);
    NormalizedName nq = Normalize(q);
    double own = Score(nq, Normalize(g.names[i]));
    auto top = l.list->Top(q, std::nullopt, std::nullopt, 1);
    INFO(q << " for " << g.names[i]);
    if (own > 0) {
      REQUIRE(!top.empty());
      CHECK(top[0].score >= std::round(own * 100) / 100);
    }
  }
}

TEST_CASE("the index finds what a scan of the whole list finds", "[screening][index]") {
  Generated g = Generate(1500, 3);
  Loaded l(g.csv);
  std::vector<NormalizedName> norms;
  for (const auto& n : g.names) norms.push_back(Normalize(n));
  std::mt19937 rng(4);
  for (int t = 0; t < 400; ++t) {
    std::string q = g.names[rng() % g.names.size()];
    switch (t % 4) {
      case 0: q = Typo(rng, q); break;
      case 1: q = Typo(rng, Typo(rng, q)) + " Ltd."; break;
      case 2: q = "Trading " + q; break;
      default: q = Generate(1, static_cast<uint32_t>(1000 + t)).names[0]; break;
    }
    NormalizedName nq = Normalize(q);
    double best = 0;
    for (const auto& n : norms) best = std::max(best, std::round(Score(nq, n) * 100) / 100);
    INFO(q);
    auto top = l.list->Top(q, std::nullopt, std::nullopt, 1);
    CHECK((top.empty() ? 0.0 : top[0].score) == best);
    Hit h = l.list->Screen(q, std::nullopt, kToday);
    if (best >= l.list->thresholds().review) CHECK(h.score == best);
    else CHECK(h.kind == Hit::Kind::None);
  }
}

TEST_CASE("several threads screening at once agree", "[screening][threads]") {
  Generated g = Generate(1000, 5);
  Loaded l(g.csv);
  std::vector<std::string> queries;
  std::mt19937 rng(6);
  for (int i = 0; i < 2000; ++i) {
    std::string q = g.names[rng() % g.names.size()];
    queries.push_back(i % 2 ? Typo(rng, q) : q + " Société Anonyme");
  }
  std::vector<std::pair<const Entry*, double>> expected;
  for (const auto& q : queries) {
    Hit h = l.list->Screen(q, std::nullopt, kToday);
    expected.emplace_back(h.entry, h.score);
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < queries.size(); ++i) {
        size_t k = (i + static_cast<size_t>(t) * 500) % queries.size();
        Hit h = l.list->Screen(queries[k], std::nullopt, kToday);
        if (h.entry != expected[k].first || h.score != expected[k].second) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}

}  // namespace
}  // namespace licit::screening
