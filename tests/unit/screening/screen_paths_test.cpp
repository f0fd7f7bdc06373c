// Screen's three paths (screening/internal.h, ScreenPath) give the same Hit: the reference
// matcher, the analysis without cache and the per-thread cache, over many parties, days and
// countries; and the byte-level Jaro-Winkler equals the code-point one.
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "screening/internal.h"
#include "screening/screening.h"

namespace licit::screening {
namespace {

using internal::ScreenPath;

DayNumber Day(int y, unsigned m, unsigned d) { return DaysFromCivil({y, m, d}); }

struct Loaded {
  SourceManager sources;
  DiagnosticSink diags;
  std::unique_ptr<PartyList> list;

  explicit Loaded(std::string text) {
    FileId f = sources.Add("list.csv", std::move(text));
    list = PartyList::Parse(sources.Get(f), ListFormat::Licit, diags);
  }
  void Cleared(std::string text) {
    FileId f = sources.Add("cleared.csv", std::move(text));
    list->AddCleared(sources.Get(f), diags);
  }
};

// Restores the thread's path (and empties its cache) at the end of a test.
struct PathGuard {
  ~PathGuard() {
    internal::SetScreenPath(ScreenPath::Cached);
    internal::ClearScreenCache();
  }
};

const char* kSyl[] = {"ka",  "wa",  "mi",  "tsu", "bi",  "shi", "ro",  "ze",  "lan", "dor",
                      "tek", "mar", "vel", "nex", "qua", "bel", "tra", "zan", "hel", "gor"};
const char* kWords[] = {"Heavy",     "Industries",   "Trading",   "Systems",  "Electronics",
                        "Machinery", "Aerospace",    "Precision", "Holdings", "Group",
                        "Optics",    "Energy",       "of",        "Tokyo",    "Société",
                        "Métaux",    "International"};
const char* kCountries[] = {"CN", "RU", "JP", "IR"};
const char* kLegal[] = {"", " Ltd.", " Co., Ltd.", " GmbH", " K.K.", " Inc"};

std::string Proper(std::mt19937& rng) {
  std::string s;
  for (size_t k = 0, m = 2 + rng() % 2; k < m; ++k) s += kSyl[rng() % 20];
  return s;
}

std::string Company(std::mt19937& rng) {
  std::string s = Proper(rng);
  for (size_t k = 0, m = rng() % 4; k < m; ++k) s += std::string(" ") + kWords[rng() % 17];
  return s;
}

std::string Initials(const std::string& s) {
  std::string out;
  bool start = true;
  for (char c : s) {
    if (c == ' ') {
      start = true;
    } else if (start) {
      out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      start = false;
    }
  }
  return out;
}

std::string Mutate(std::mt19937& rng, std::string s) {
  if (s.size() < 4) return s;
  size_t p = 1 + rng() % (s.size() - 2);
  switch (rng() % 5) {
    case 0: s[p] = static_cast<char>('a' + rng() % 26); break;
    case 1: s.erase(p, 1); break;
    case 2: s.insert(s.begin() + static_cast<long>(p), static_cast<char>('a' + rng() % 26)); break;
    case 3: std::swap(s[p], s[p + 1 < s.size() ? p + 1 : p - 1]); break;
    default: s = std::string(kWords[rng() % 17]) + " " + s; break;
  }
  return s;
}

struct World {
  std::string csv, cleared;
  std::vector<std::string> names;
  std::vector<std::string> cleared_parties;
};

World Make(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  World w;
  w.csv = "id,name,aliases,country,listed,delisted\n";
  w.cleared = "party,entry,decided_by,decided_on,note\n";
  for (size_t i = 0; i < n; ++i) {
    std::string name = Company(rng);
    // Some names twice (different entries, countries or dates), for ties and eligibility.
    if (i > 0 && rng() % 10 == 0) name = w.names[rng() % w.names.size()];
    w.names.push_back(name);
    std::string aliases;
    if (rng() % 4 == 0) {
      std::string ini = Initials(name);
      aliases = ini.size() >= 2 && ini.size() <= 5 ? ini : Mutate(rng, name);
    }
    std::string country;
    if (rng() % 3 != 0) country = kCountries[rng() % 4];
    if (rng() % 8 == 0) country += std::string(country.empty() ? "" : ";") + kCountries[rng() % 4];
    std::string listed = rng() % 5 == 0 ? "2026-0" + std::to_string(1 + rng() % 9) + "-15" : "";
    std::string delisted = rng() % 6 == 0 ? "2026-0" + std::to_string(1 + rng() % 9) + "-10" : "";
    w.csv += "E" + std::to_string(i) + ",\"" + name + kLegal[rng() % 6] + "\"," + aliases + "," +
             country + "," + listed + "," + delisted + "\n";
    if (rng() % 12 == 0 && internal::IsAscii(name)) {
      // A near miss of this entry cleared against it.
      w.cleared_parties.push_back(Mutate(rng, name));
      w.cleared += w.cleared_parties.back() + ",E" + std::to_string(i) + ",a.analyst,2026-01-01,\n";
    }
  }
  return w;
}

std::vector<std::string> Parties(const World& w, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) {
    const std::string& base = w.names[rng() % w.names.size()];
    switch (rng() % 8) {
      case 7: out.push_back(w.cleared_parties[rng() % w.cleared_parties.size()]); break;
      case 0: out.push_back(base + kLegal[rng() % 6]); break;
      case 1: out.push_back(Mutate(rng, base)); break;
      case 2: out.push_back(Mutate(rng, Mutate(rng, base)) + " Ltd."); break;
      case 3: out.push_back(Initials(base) + " " + kWords[rng() % 17]); break;
      case 4: out.push_back(Company(rng)); break;
      case 5: out.push_back(rng() % 2 ? "Ltd." : "  "); break;
      default: out.push_back(base + " " + Proper(rng)); break;
    }
  }
  return out;
}

bool Same(const Hit& a, const Hit& b) {
  return a.kind == b.kind && a.entry == b.entry && a.matched == b.matched && a.score == b.score &&
         a.exact == b.exact && a.cleared == b.cleared && a.cleared_entry == b.cleared_entry;
}

std::string Describe(const Hit& h) {
  return std::to_string(static_cast<int>(h.kind)) + " " +
         (h.entry ? std::to_string(h.entry->row) : "-") + " '" + std::string(h.matched) + "' " +
         std::to_string(h.score) + (h.exact ? " exact" : "") + (h.cleared ? " cleared" : "");
}

struct Condition {
  std::optional<CountryId> country;
  DayNumber day;
};

std::vector<Condition> Conditions() {
  std::vector<Condition> out;
  const DayNumber days[] = {Day(2025, 6, 1),  Day(2026, 1, 20), Day(2026, 3, 12),
                            Day(2026, 5, 15), Day(2026, 9, 30), Day(2027, 1, 1)};
  std::vector<std::optional<CountryId>> countries = {std::nullopt};
  for (const char* c : kCountries) countries.push_back(FindCountry(c));
  countries.push_back(FindCountry("DE"));
  for (DayNumber d : days) {
    for (auto c : countries) out.push_back({c, d});
  }
  return out;
}

TEST_CASE("Screen: reference, uncached and cached paths agree", "[screening][paths]") {
  PathGuard guard;
  World w = Make(1500, 11);
  Loaded l(w.csv);
  l.Cleared(w.cleared);
  for (const Diagnostic& d : l.diags.all()) UNSCOPED_INFO(d.message);
  REQUIRE(l.diags.error_count() == 0);
  REQUIRE(!l.list->clearances().empty());
  std::vector<std::string> parties = Parties(w, 600, 12);
  std::vector<Condition> conds = Conditions();
  std::mt19937 rng(13);
  internal::ClearScreenCache();
  size_t mismatches = 0, hits = 0, cleared = 0, possible = 0;
  // Each party under its conditions in a shuffled order, screened twice on the cached path (the
  // first may fill the cache with the exact names only, a later day may need the candidates).
  for (int round = 0; round < 2; ++round) {
    for (const std::string& p : parties) {
      std::vector<Condition> order = conds;
      std::shuffle(order.begin(), order.end(), rng);
      for (const Condition& c : order) {
        internal::SetScreenPath(ScreenPath::Reference);
        Hit ref = l.list->Screen(p, c.country, c.day);
        internal::SetScreenPath(ScreenPath::Uncached);
        Hit unc = l.list->Screen(p, c.country, c.day);
        internal::SetScreenPath(ScreenPath::Cached);
        Hit cac = l.list->Screen(p, c.country, c.day);
        if (!Same(ref, unc) || !Same(ref, cac)) {
          ++mismatches;
          UNSCOPED_INFO(p << ": " << Describe(ref) << " / " << Describe(unc) << " / "
                          << Describe(cac));
        }
        hits += ref.entry != nullptr;
        cleared += ref.cleared != nullptr;
        possible += ref.kind == Hit::Kind::Possible;
      }
    }
  }
  CHECK(mismatches == 0);
  // The workload exercises what it should.
  CHECK(hits > 1000);
  CHECK(cleared > 0);
  CHECK(possible > 0);
  CHECK(internal::ScreenCacheSize() > 0);
}

TEST_CASE("Screen's cache: thresholds, clearances and lists", "[screening][paths]") {
  PathGuard guard;
  internal::ClearScreenCache();
  const DayNumber today = Day(2026, 3, 1);
  Loaded a(
      "id,name\n1,Mitsubishi Heavy Industries Shipbuilding\n2,Kawasaki Heavy Industries\n"
      "3,Rosoboronexport\n");
  const std::string party = "Mitsubishi Heavy Shipbuilding";
  Hit h = a.list->Screen(party, std::nullopt, today);
  CHECK(h.kind == Hit::Kind::Possible);
  // A threshold changed after the first screen applies at once.
  a.list->set_thresholds({0.80, 0.75});
  CHECK(a.list->Screen(party, std::nullopt, today).kind == Hit::Kind::Match);
  a.list->set_thresholds({0.99, 0.98});
  h = a.list->Screen(party, std::nullopt, today);
  CHECK(h.kind == Hit::Kind::None);
  internal::SetScreenPath(ScreenPath::Reference);
  CHECK(Same(h, a.list->Screen(party, std::nullopt, today)));
  internal::SetScreenPath(ScreenPath::Cached);
  a.list->set_thresholds({});
  // Clearances added after screens apply too.
  a.Cleared("party,entry,decided_by,decided_on,note\n" + party + ",1,a.analyst,2026-02-01,\n");
  h = a.list->Screen(party, std::nullopt, today);
  CHECK(h.kind == Hit::Kind::None);
  CHECK(h.cleared != nullptr);
  // Another list with the same party: its own answer.
  Loaded b("id,name\n7,Mitsubishi Heavy Shipbuilding Co.\n");
  h = b.list->Screen(party, std::nullopt, today);
  CHECK(h.exact);
  CHECK(h.entry == &b.list->entries()[0]);
  // Lists freed and made again (often at the same address) never see another's entries.
  for (int i = 0; i < 20; ++i) {
    auto c = std::make_unique<Loaded>("id,name\n" + std::to_string(i) + ",Acme Trading " +
                                      std::string(i % 2 ? "Systems" : "Optics") + "\n");
    Hit hc = c->list->Screen("Acme Trading Systems", std::nullopt, today);
    CHECK(hc.exact == (i % 2 == 1));
    internal::SetScreenPath(ScreenPath::Reference);
    CHECK(Same(hc, c->list->Screen("Acme Trading Systems", std::nullopt, today)));
    internal::SetScreenPath(ScreenPath::Cached);
  }
}

TEST_CASE("Screen's cache is per thread", "[screening][paths]") {
  PathGuard guard;
  World w = Make(800, 21);
  Loaded l(w.csv);
  std::vector<std::string> parties = Parties(w, 300, 22);
  const DayNumber today = Day(2026, 3, 1);
  internal::SetScreenPath(ScreenPath::Reference);
  std::vector<Hit> expected;
  for (const auto& p : parties) expected.push_back(l.list->Screen(p, std::nullopt, today));
  std::vector<int> mismatches(3, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < parties.size(); ++i) {
          size_t k = (i + static_cast<size_t>(t) * 100) % parties.size();
          if (!Same(l.list->Screen(parties[k], std::nullopt, today), expected[k])) ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(3, 0));
}

TEST_CASE("Jaro-Winkler on bytes equals it on code points", "[screening][score]") {
  std::mt19937 rng(31);
  const std::string alphabet = "abcdeeiklmnorstu0123";
  size_t nonzero = 0;
  for (int t = 0; t < 200000; ++t) {
    std::string a, b;
    size_t la = 1 + rng() % (t % 50 == 0 ? 80 : 14), lb = 1 + rng() % (t % 50 == 0 ? 80 : 14);
    for (size_t i = 0; i < la; ++i) a += alphabet[rng() % (t % 3 ? 8 : alphabet.size())];
    if (t % 2) {
      b = a;  // a variant of a: edits
      for (int e = 0, k = 1 + static_cast<int>(rng() % 3); e < k && !b.empty(); ++e) {
        size_t p = rng() % b.size();
        switch (rng() % 3) {
          case 0: b[p] = alphabet[rng() % alphabet.size()]; break;
          case 1: b.erase(p, 1); break;
          default: b.insert(b.begin() + static_cast<long>(p), alphabet[rng() % 8]); break;
        }
      }
      if (b.empty()) b = "x";
    } else {
      for (size_t i = 0; i < lb; ++i) b += alphabet[rng() % 8];
    }
    std::u32string ua(a.begin(), a.end()), ub(b.begin(), b.end());
    double slow = internal::KeyedSimilarity(ua, ub);
    double fast = internal::KeyedSimilarityAscii(a, b);
    internal::CharCounts ca, cb;
    internal::CountChars(a, ca);
    internal::CountChars(b, cb);
    double counted = internal::KeyedSimilarityCounted(a, ca, b, cb);
    nonzero += slow > 0;
    if (slow != fast || slow != counted) {
      FAIL_CHECK(a << " ~ " << b << ": " << slow << " / " << fast << " / " << counted);
    }
  }
  CHECK(nonzero > 10000);
}

}  // namespace
}  // namespace licit::screening
