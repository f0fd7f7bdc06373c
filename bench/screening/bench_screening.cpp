// Party screening throughput (bench/README.md, "Party screening"): generates a list of plausible
// company names (20,000 entries by default: a made-up proper name, industry words, a place and a
// legal form; aliases, countries, a few listing dates), loads it (parse + index), then screens on
// one thread:
// - 1 M names, a third exact names or aliases written differently (case, punctuation, legal
//   form), a third near misses (a typo, words swapped, a word dropped, a legal form added), a
//   third unrelated names, with Screen's per-thread cache off: the cold path;
// - a reference-like workload: 1 M records whose parties are drawn uniformly from 50,000 distinct
//   names (like bench/reference_workload.h's 50,000 end users), 94 % unrelated to the list, 3 %
//   near misses and 3 % exact names written differently, on days over 2025-2027 and a few
//   countries: with the cache off (cold), with it on from empty (what a run of 1 M records
//   costs), and warm (every name already cached).
// Prints markdown tables; exits 1 when the goal (500,000 records/s on the reference-like
// workload, cache on from empty) is missed.
//
//   screening_bench [--entries N] [--names N] [--runs N] [--no-goal] [--write DIR]
//
// --write DIR also writes the workload for `licit run` (bench/screening/run.sh): DIR/list.csv
// (the generated list), DIR/records.jsonl (the reference-like records as std.trade shipments
// whose end user is the party) and DIR/policy.licit (a rule screening the end user), then exits.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "base/date.h"
#include "base/diagnostic.h"
#include "base/iso_codes.h"
#include "base/json.h"
#include "base/source.h"
#include "base/text.h"
#include "screening/internal.h"
#include "screening/screening.h"

namespace {

using licit::screening::Hit;
using licit::screening::ListFormat;
using licit::screening::PartyList;

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Below(N)];
  }
};

const char* kSyllables[] = {"ka",  "wa",  "sa",  "ki",  "mi",  "tsu", "bi",  "shi", "to",  "yo",
                            "na",  "ga",  "ro",  "ze",  "vo",  "lan", "dor", "tek", "mar", "vel",
                            "cor", "nex", "qua", "bel", "tra", "zan", "hel", "gor", "fin", "pol",
                            "ras", "tin", "ber", "sol", "vik", "dra", "mon", "sev", "lux", "ori"};
const char* kIndustry[] = {
    "Heavy",         "Industries",    "Electronics", "Trading",     "Machinery",
    "Aerospace",     "Systems",       "Precision",   "Instruments", "Chemical",
    "Materials",     "Technologies",  "Engineering", "Optics",      "Semiconductor",
    "Shipbuilding",  "Logistics",     "Import",      "Export",      "Holdings",
    "Group",         "Research",      "Institute",   "Energy",      "Nuclear",
    "Metals",        "Mining",        "Defense",     "Software",    "Networks",
    "Telecom",       "Robotics",      "Laser",       "Photonics",   "Materials Science",
    "Development",   "Manufacturing", "Components",  "Devices",     "Microwave",
    "Avionics",      "Marine",        "Motors",      "Automation",  "Solutions",
    "International", "Global",        "United",      "Pacific",     "Atlantic"};
const char* kPlaces[] = {"Tokyo",  "Osaka",   "Beijing",  "Shanghai",  "Shenzhen",
                         "Moscow", "Tehran",  "Dubai",    "Hong Kong", "Singapore",
                         "Minsk",  "Karachi", "Istanbul", "Pyongyang", "Nagoya",
                         "Harbin", "Xian",    "Chengdu",  "Wuhan",     "Kobe"};
const char* kLegal[] = {"Co., Ltd.", "Ltd.", "Inc.", "Corporation", "Corp.",           "LLC",
                        "GmbH",      "S.A.", "K.K.", "Limited",     "Company Limited", "JSC",
                        "OOO",       "PLC",  ""};
const char* kCountries[] = {"CN", "RU", "IR", "JP", "HK", "AE", "BY", "PK", "TR", "KP", "SG", "IN"};

std::string ProperName(Rng& r) {
  std::string s;
  size_t n = 2 + r.Below(2);
  for (size_t i = 0; i < n; ++i) s += r.Pick(kSyllables);
  s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string CompanyName(Rng& r) {
  std::string s = ProperName(r);
  if (r.Chance(30)) s = std::string(r.Pick(kPlaces)) + " " + s;
  size_t words = 1 + r.Below(3);
  for (size_t i = 0; i < words; ++i) s += std::string(" ") + r.Pick(kIndustry);
  return s;
}

std::string WithLegal(Rng& r, const std::string& name) {
  const char* legal = r.Pick(kLegal);
  return *legal ? name + (r.Chance(50) ? ", " : " ") + legal : name;
}

std::string Initialism(const std::string& name) {
  std::string s;
  bool start = true;
  for (char c : name) {
    if (c == ' ') {
      start = true;
    } else if (start) {
      s += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      start = false;
    }
  }
  return s;
}

std::string Quote(const std::string& s) {
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

struct Generated {
  std::string csv;
  std::vector<std::string> names;  // base names (without legal form) of the entries
};

Generated GenerateList(size_t entries, Rng& r) {
  Generated g;
  g.csv = "id,name,aliases,country,listed,delisted,source,remarks\n";
  for (size_t i = 0; i < entries; ++i) {
    std::string base = CompanyName(r);
    g.names.push_back(base);
    std::string aliases;
    if (r.Chance(30)) {
      std::string ini = Initialism(base);
      aliases = ini.size() >= 2 && ini.size() <= 5 ? ini : base + " " + r.Pick(kIndustry);
      if (r.Chance(30)) aliases += "; " + ProperName(r) + " " + r.Pick(kIndustry);
    }
    std::string country;
    if (r.Chance(70)) country = r.Pick(kCountries);
    if (r.Chance(5)) country += std::string(country.empty() ? "" : ";") + r.Pick(kCountries);
    std::string listed =
        r.Chance(5) ? fmt::format("20{:02}-0{}-1{}", 10 + r.Below(15), 1 + r.Below(9), r.Below(10))
                    : "";
    std::string delisted = r.Chance(3) ? "2025-12-31" : "";
    g.csv += fmt::format("E{},{},{},{},{},{},Generated list,\n", i + 1, Quote(WithLegal(r, base)),
                         Quote(aliases), country, listed, delisted);
  }
  return g;
}

std::string Typo(Rng& r, std::string s) {
  if (s.size() < 4) return s;
  size_t p = 1 + r.Below(s.size() - 2);
  switch (r.Below(4)) {
    case 0:  // substitution
      s[p] = static_cast<char>('a' + r.Below(26));
      break;
    case 1:  // deletion
      s.erase(p, 1);
      break;
    case 2:  // insertion
      s.insert(s.begin() + static_cast<ptrdiff_t>(p), static_cast<char>('a' + r.Below(26)));
      break;
    default:  // transposition
      std::swap(s[p], s[p + 1 < s.size() ? p + 1 : p - 1]);
      break;
  }
  return s;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> w;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) w.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return w;
}

std::string Join(const std::vector<std::string>& w) {
  std::string s;
  for (const auto& x : w) s += (s.empty() ? "" : " ") + x;
  return s;
}

std::string NearMiss(Rng& r, const std::string& base) {
  std::vector<std::string> w = Words(base);
  switch (r.Below(4)) {
    case 0: return WithLegal(r, Typo(r, base));
    case 1:
      if (w.size() >= 2) std::swap(w[0], w[1 + r.Below(w.size() - 1)]);
      return WithLegal(r, Join(w));
    case 2:
      if (w.size() >= 3) w.erase(w.begin() + static_cast<ptrdiff_t>(1 + r.Below(w.size() - 1)));
      return Join(w) + " Co., Ltd.";
    default: {
      size_t k = r.Below(w.size());
      w[k] = Typo(r, w[k]);
      return Join(w) + " International";
    }
  }
}

std::string Exact(Rng& r, const std::string& base) {
  std::string s = WithLegal(r, base);
  if (r.Chance(50)) {
    for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return s;
}

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

}  // namespace

int main(int argc, char** argv) {
  std::string write_dir;
  size_t entries = 20000, names = 1000000;
  int runs = 3;
  bool goal = true;
  bool goal_only = false;  // only the goal row, once (for profilers: callgrind, perf)
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--entries") && i + 1 < argc) {
      entries = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--names") && i + 1 < argc) {
      names = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--write") && i + 1 < argc) {
      write_dir = argv[++i];
    } else if (!std::strcmp(argv[i], "--no-goal")) {
      goal = false;
    } else if (!std::strcmp(argv[i], "--goal-only")) {
      goal_only = true;
      runs = 1;
    } else {
      std::fprintf(stderr,
                   "usage: screening_bench [--entries N] [--names N] [--runs N] [--no-goal] "
                   "[--goal-only]\n");
      return 2;
    }
  }
  Rng rng{42};
  Generated g = GenerateList(entries, rng);
  std::vector<std::string> queries;
  queries.reserve(names);
  for (size_t i = 0; i < names; ++i) {
    const std::string& base = g.names[rng.Below(g.names.size())];
    switch (i % 3) {
      case 0: queries.push_back(Exact(rng, base)); break;
      case 1: queries.push_back(NearMiss(rng, base)); break;
      default: queries.push_back(WithLegal(rng, CompanyName(rng))); break;
    }
  }

  licit::SourceManager sources;
  licit::FileId file = sources.Add("generated.csv", g.csv);
  licit::DiagnosticSink diags;
  // Warm ICU (its data load is not the list's cost).
  (void)licit::screening::Normalize("Société Générale");
  size_t rss_before = RssBytes();
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<PartyList> list = PartyList::Parse(sources.Get(file), ListFormat::Licit, diags);
  auto t1 = std::chrono::steady_clock::now();
  size_t rss_after = RssBytes();
  double load_s = std::chrono::duration<double>(t1 - t0).count();
  if (diags.error_count() > 0) {
    std::fprintf(stderr, "%s", licit::RenderAllText(sources, diags, {}).c_str());
    return 1;
  }

  const licit::DayNumber day = licit::DaysFromCivil({2026, 3, 1});
  const auto jp = licit::FindCountry("CN");
  using licit::screening::internal::ScreenPath;
  licit::screening::internal::SetScreenPath(ScreenPath::Uncached);
  double best = 1e300;
  size_t counts[3] = {0, 0, 0};
  for (int run = 0; run < (goal_only ? 0 : runs); ++run) {
    size_t c[3] = {0, 0, 0};
    auto s0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < queries.size(); ++i) {
      std::optional<licit::CountryId> country;
      if (i % 7 == 0) country = jp;
      Hit h = list->Screen(queries[i], country, day);
      ++c[static_cast<int>(h.kind)];
    }
    auto s1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(s1 - s0).count());
    std::memcpy(counts, c, sizeof c);
  }
  double rate = static_cast<double>(queries.size()) / best;
  const double kGoal = 500000;
  if (!goal_only)
    std::printf(
        "| entries | names (cache off) | load (parse + index) | list memory (RSS delta) | names/s "
        "(best of %d) | match | possible | none |\n",
        runs);
  if (!goal_only) std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  if (!goal_only)
    std::printf(
        "| %s | %s | %.0f ms | %.1f MiB | %s | %s | %s | %s |\n",
        licit::Thousands(list->entries().size()).c_str(), licit::Thousands(queries.size()).c_str(),
        load_s * 1000, static_cast<double>(rss_after - rss_before) / (1 << 20),
        licit::Thousands(static_cast<uint64_t>(rate)).c_str(), licit::Thousands(counts[2]).c_str(),
        licit::Thousands(counts[1]).c_str(), licit::Thousands(counts[0]).c_str());

  // The reference-like workload: `names` records over 50,000 distinct parties.
  const size_t kDistinct = std::min<size_t>(50000, std::max<size_t>(names, 1));
  std::vector<std::string> parties;
  {
    std::unordered_set<std::string> seen;
    while (parties.size() < kDistinct) {
      const std::string& base = g.names[rng.Below(g.names.size())];
      const size_t kind = rng.Below(100);
      std::string p = kind < 3   ? Exact(rng, base)
                      : kind < 6 ? NearMiss(rng, base)
                                 : WithLegal(rng, CompanyName(rng));
      if (seen.insert(p).second) parties.push_back(std::move(p));
    }
  }
  struct Record {
    uint32_t party;
    licit::DayNumber day;
    std::optional<licit::CountryId> country;
  };
  const char* kDest[] = {"CN", "JP", "DE", "US", "RU", "IR", "KR"};
  const licit::DayNumber first_day = licit::DaysFromCivil({2025, 1, 1});
  std::vector<Record> records(names);
  for (Record& r : records) {
    r.party = static_cast<uint32_t>(rng.Below(parties.size()));
    r.day = first_day + static_cast<licit::DayNumber>(rng.Below(911));
    if (!rng.Chance(10)) r.country = licit::FindCountry(kDest[rng.Below(7)]);
  }
  if (!write_dir.empty()) {
    // The same records as shipments for `licit run` (bench/screening/run.sh).
    std::ofstream(write_dir + "/list.csv", std::ios::binary) << g.csv;
    std::ofstream(write_dir + "/policy.licit", std::ios::binary)
        << "policy bench.screening\nimport std.trade\n\n"
           "list generated = \"list.csv\"\n\n"
           "rule listed-end-user: deny to any\n  when end_user matches generated\n";
    std::ofstream out(write_dir + "/records.jsonl", std::ios::binary);
    std::string line;
    for (size_t i = 0; i < records.size(); ++i) {
      const Record& r = records[i];
      line =
          fmt::format(R"({{"id":"S{:07}","date":"{}","destination":"{}","end_user":{{"name":{})",
                      i + 1, licit::FormatDate(r.day),
                      r.country ? licit::AllCountries()[*r.country].code : std::string_view("CN"),
                      licit::JsonQuote(parties[r.party]));
      if (r.country)
        line += fmt::format(R"(,"country":"{}")", licit::AllCountries()[*r.country].code);
      line += "},\"item\":{}}\n";
      out << line;
    }
    return 0;
  }
  struct Row {
    const char* what;
    double rate;
    size_t counts[3];
  };
  auto run_records = [&](ScreenPath path, bool clear_first) {
    licit::screening::internal::SetScreenPath(path);
    Row row{nullptr, 0, {0, 0, 0}};
    double fastest = 1e300;
    for (int run = 0; run < runs; ++run) {
      if (clear_first) licit::screening::internal::ClearScreenCache();
      size_t c[3] = {0, 0, 0};
      auto s0 = std::chrono::steady_clock::now();
      for (const Record& r : records) {
        Hit h = list->Screen(parties[r.party], r.country, r.day);
        ++c[static_cast<int>(h.kind)];
      }
      auto s1 = std::chrono::steady_clock::now();
      fastest = std::min(fastest, std::chrono::duration<double>(s1 - s0).count());
      std::memcpy(row.counts, c, sizeof c);
    }
    row.rate = static_cast<double>(records.size()) / fastest;
    return row;
  };
  if (goal_only) {
    Row cached = run_records(ScreenPath::Cached, true);
    std::printf("cache on, empty at start: %s records/s\n",
                licit::Thousands(static_cast<uint64_t>(cached.rate)).c_str());
    return 0;
  }
  Row cold = run_records(ScreenPath::Uncached, false);
  cold.what = "cache off (cold)";
  licit::screening::internal::ClearScreenCache();
  size_t rss_cache_before = RssBytes();
  Row cached = run_records(ScreenPath::Cached, true);
  cached.what = "cache on, empty at start";
  size_t rss_cache_after = RssBytes();
  Row warm = run_records(ScreenPath::Cached, false);
  warm.what = "cache on, warm";
  const bool pass = cached.rate >= kGoal;
  std::printf(
      "\n| reference-like: %s records, %s distinct parties | records/s (best of %d) | match | "
      "possible | none | goal | result |\n",
      licit::Thousands(records.size()).c_str(), licit::Thousands(parties.size()).c_str(), runs);
  std::printf("|---|---:|---:|---:|---:|---:|---|\n");
  for (const Row* r : {&cold, &cached, &warm}) {
    const bool goal_row = r == &cached;
    std::printf("| %s | %s | %s | %s | %s | %s | %s |\n", r->what,
                licit::Thousands(static_cast<uint64_t>(r->rate)).c_str(),
                licit::Thousands(r->counts[2]).c_str(), licit::Thousands(r->counts[1]).c_str(),
                licit::Thousands(r->counts[0]).c_str(),
                goal_row ? licit::Thousands(kGoal).c_str() : "",
                goal_row ? (pass ? "pass" : "FAIL") : "");
  }
  std::printf(
      "\nScreen cache: %s parties, %.1f MiB of records, %.1f MiB (RSS delta while it filled)\n",
      licit::Thousands(licit::screening::internal::ScreenCacheSize()).c_str(),
      static_cast<double>(licit::screening::internal::ScreenCacheBytes()) / (1 << 20),
      static_cast<double>(rss_cache_after - rss_cache_before) / (1 << 20));
  return goal && !pass ? 1 : 0;
}
