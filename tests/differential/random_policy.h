// The random well-typed policy and record generator shared by the differential tests (seeded),
// the two-engine fuzz target (tests/fuzz/fuzz_engines.cpp, byte-driven) and bench/diff_engines:
// policies over one record type with groups, classes, rules with every clause, exceptions,
// suspensions and defaults; records with missing and null fields, so unknowns are exercised; a
// restricted-party list (a file written once per process, with a cleared file) screened with
// `matches` and `match()`, and party names exact, near and far from its entries.
//
// Three shapes of policy, so that the JIT's fast path is exercised as much as its basics:
//  - mixed: a few rules of every clause and condition (one in seven with 8-24 rules);
//  - dispatch: families of rules keyed on one field (`eccn == "3A001" and destination == JP`),
//    eight to fifty per key and several per value, so the rule index has keys the JIT dispatches
//    through (codegen::kDispatchMinRules), values with a second level, and rules it judges from
//    data (ir::EqualityRule), mixed with rules of the same key that need code (an `unless`, a
//    non-equality test, a period, an exception that waives them);
//  - wide: dispatch families past codegen::kFullPathMaxRules (256) rules, so the rules run as
//    fast-only code with the interpreter as the full path.
#pragma once

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

namespace licit::testing {

class Gen {
 public:
  // Choices from a seeded generator (the differential test).
  explicit Gen(uint64_t seed) : rng_(seed) {}
  // Choices read from bytes (the fuzz target): each choice takes one or two bytes; once they
  // run out, the rest come from a generator seeded with a hash of all the bytes. The fuzzer's
  // inputs are short (its corpus was long capped at 8 bytes): when the rest were all the
  // smallest choice, every such input made a tiny policy whose rules never fired (every record
  // allowed), so most of the comparing was of trivial decisions.
  Gen(const uint8_t* data, size_t size) : data_(data), size_(size), from_bytes_(true) {}

  int Int(int lo, int hi) {
    if (from_bytes_ && pos_ >= size_) {
      rng_.seed(HashBytes(data_, size_));
      from_bytes_ = false;
    }
    if (!from_bytes_) return std::uniform_int_distribution<int>(lo, hi)(rng_);
    const unsigned span = static_cast<unsigned>(hi - lo) + 1;
    unsigned v = 0;
    for (unsigned need = span; need > 1 && pos_ < size_; need >>= 8) v = (v << 8) | data_[pos_++];
    return lo + static_cast<int>(v % span);
  }
  // FNV-1a: a seed from bytes, so one input always gives the same choices.
  static uint64_t HashBytes(const uint8_t* data, size_t size) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ULL;
    return h;
  }

  bool Chance(int percent) { return Int(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }

  std::string Date() {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", Int(2024, 2026), Int(1, 12), Int(1, 28));
    return buf;
  }
  std::string Country() { return Pick(kCountries); }

  // --- policies --------------------------------------------------------------------------------
  // The share of each shape, in percent (the rest are mixed).
  struct Shares {
    int dispatch = 50;
    int wide = 8;
  };
  enum class Shape { Mixed, Dispatch, Wide };

  std::string Policy() { return Policy(Shares{}); }
  std::string Policy(Shares shares) {
    const int roll = Int(0, 99);
    last_shape_ = roll < shares.wide                     ? Shape::Wide
                  : roll < shares.wide + shares.dispatch ? Shape::Dispatch
                                                         : Shape::Mixed;
    classes_ = 0;
    lists_ = 0;
    groups_ = Int(0, 2);
    std::string s = "policy diff.gen\n\n";
    s += "record Party { name: string, country: country?, kind: string? }\n";
    s += "record Rec { id: string, date: date, destination: country, origin: country?, n: int?,\n"
         "  qty: decimal?, label: string?, eccn: code?, hs: code?, value: money?,\n"
         "  tags: set<string>?, end_user: Party?, shipped: date? }\n";
    s += "input Rec\n\n";
    for (int g = 0; g < groups_; ++g) {
      s += "group G" + std::to_string(g) + " = {";
      int n = Int(1, 4);
      for (int k = 0; k < n; ++k) {
        if (k) s += ", ";
        s += Country();
        int d = Int(0, 3);
        if (d == 1) s += " since " + Date();
        if (d == 2) s += " until " + Date();
      }
      s += "}\n";
    }
    if (Chance(35)) {
      // Thresholds sometimes other than the defaults, so both bands move.
      s += "list L0 = \"" + ListFile() + "\" cleared \"" + ClearedFile() + "\"";
      if (Chance(30)) s += Pick(kThresholds);
      s += "\n";
      lists_ = 1;
    }
    int nclasses = Int(0, 3);
    for (int c = 0; c < nclasses; ++c) {
      s += "class c" + std::to_string(c) + " = " + Bool(2) + "\n";
      classes_ = c + 1;
    }
    // Some policies have many rules, most with a `to` list, so that the rule index has keys big
    // enough for the JIT to dispatch through (codegen::kDispatchMinRules).
    const bool big = last_shape_ == Shape::Mixed && Chance(15);
    int nrules = big ? Int(8, 24) : Int(1, 6);
    if (last_shape_ == Shape::Dispatch) nrules = Int(0, 4);
    if (last_shape_ == Shape::Wide) nrules = Int(0, 8);
    for (int r = 0; r < nrules; ++r) {
      s += "\nrule r" + std::to_string(r) + ":\n  ";
      s += Pick(kEffects);
      if (classes_ > 0 && Chance(40)) s += " c" + std::to_string(Int(0, classes_ - 1));
      if (Chance(big ? 90 : 60)) s += " to " + Dests();
      s += "\n";
      if (Chance(80)) s += "  when " + Bool(3) + "\n";
      if (Chance(30)) s += "  unless " + Bool(2) + "\n";
      Period(s);
    }
    if (last_shape_ != Shape::Mixed) {
      const int target = last_shape_ == Shape::Wide ? Int(257, 330) : 0;
      int families = Int(1, 3);
      for (int f = 0; f < families || nrules < target; ++f) Family(s, nrules);
    }
    int nexc = Int(0, 2);
    for (int e = 0; e < nexc; ++e) {
      int first = Int(0, nrules - 1);
      s += "\nexception x" + std::to_string(e) + " for r" + std::to_string(first);
      int second = Int(0, nrules - 1);
      if (second != first && Chance(40)) s += ", r" + std::to_string(second);
      s += ":\n";
      if (Chance(85)) s += "  when " + Bool(3) + "\n";
      if (Chance(25)) s += "  unless " + Bool(2) + "\n";
      Period(s);
    }
    if (Chance(30)) {
      s += "\nsuspend r" + std::to_string(Int(0, nrules - 1)) + " from 2025-01-01";
      if (Chance(60)) s += " until 2025-12-31";
      s += "\n";
    }
    s += "\ndefault " + Pick(kDefaults) + "\n";
    return s;
  }

  Shape last_shape() const { return last_shape_; }

  // One family of rules keyed on one field: 8-48 rules over a few of its values, most also
  // testing a second field, most of the equality shape the JIT judges from data.
  void Family(std::string& s, int& nrules) {
    const Field& key = Pick(kKeyFields);
    const Field* second = Chance(90) ? &Pick(kKeyFields) : nullptr;
    if (second != nullptr && second->name == key.name) second = nullptr;
    // A few values, so each value's run has several rules (a second level from four).
    std::vector<std::string> values;
    for (int v = Int(1, 5); v > 0; --v) values.push_back(Pick(*key.values));
    const int n = Int(8, 48);
    for (int i = 0; i < n; ++i, ++nrules) {
      s += "\nrule r" + std::to_string(nrules) + ":\n  " + Pick(kEffects);
      std::string when = Equality(key, Pick(values));
      if (second != nullptr) {
        if (second->name == "destination" && Chance(50)) {
          s += " to " + Country();
          if (Chance(30)) s += ", " + Country();
        } else {
          when += " and " + Equality(*second, Pick(*second->values));
        }
      }
      s += "\n  when " + when;
      if (Chance(4)) s += " and " + Leaf();  // a test that needs code
      s += "\n";
      if (Chance(3)) s += "  unless " + Leaf() + "\n";
      if (Chance(8)) Period(s);
    }
  }

  struct Field {
    std::string name;
    bool code = false, country = false;
    const std::vector<std::string>* values;
  };
  // `eccn == "3A001"`, `destination == JP`, `label in {"al", "beta"}`.
  std::string Equality(const Field& f, const std::string& value) {
    auto literal = [&](const std::string& v) { return f.country ? v : "\"" + v + "\""; };
    if (Chance(15)) {
      return f.name + " in {" + literal(value) + ", " + literal(Pick(*f.values)) + "}";
    }
    return f.name + " == " + literal(value);
  }

  void Period(std::string& s) {
    int p = Int(0, 5);
    if (p == 1 || p == 3) s += "  since 2025-0" + std::to_string(Int(1, 6)) + "-01\n";
    if (p == 2 || p == 3) {
      int m = Int(7, 12);
      s += std::string("  until 2025-") + (m < 10 ? "0" : "") + std::to_string(m) + "-28\n";
    }
  }

  std::string Dests() {
    if (Chance(25)) {
      std::string s = "any";
      if (Chance(50)) s += " except " + Dest();
      return s;
    }
    std::string s = Dest();
    if (Chance(40)) s += ", " + Dest();
    return s;
  }
  std::string Dest() {
    if (groups_ > 0 && Chance(40)) return "G" + std::to_string(Int(0, groups_ - 1));
    return Country();
  }

  std::string Bool(int depth) {
    if (depth > 0) {
      switch (Int(0, 9)) {
        case 0: return "(" + Bool(depth - 1) + " and " + Bool(depth - 1) + ")";
        case 1: return "(" + Bool(depth - 1) + " or " + Bool(depth - 1) + ")";
        case 2: return "not (" + Bool(depth - 1) + ")";
        case 3:
          return "(if " + Bool(depth - 1) + " then " + Bool(depth - 1) + " else " +
                 Bool(depth - 1) + ")";
        default: break;
      }
    }
    return Leaf();
  }

  std::string Leaf() {
    switch (Int(0, 36)) {
      case 0: return "destination == " + Country();
      case 1: return "destination in {" + Country() + ", " + Country() + "}";
      case 2:
        if (groups_ > 0) return "destination in G" + std::to_string(Int(0, groups_ - 1));
        return "destination != " + Country();
      case 3:
        if (groups_ > 0) return "origin not in G" + std::to_string(Int(0, groups_ - 1));
        return "origin == " + Country();
      case 4: return "origin == " + Country();
      case 5: return "n > " + std::to_string(Int(-1, 8));
      case 6: return "n + " + std::to_string(Int(0, 3)) + " >= qty";
      case 7: return "n % 3 == " + std::to_string(Int(0, 2));
      case 8: return "qty / n > 1.5";
      case 9: return "qty <= 10.25";
      case 10: return "label == \"" + Pick(kLabels) + "\"";
      case 11: return "label matches \"" + Pick(kGlobs) + "\"";
      case 12: return "starts_with(label, \"al\")";
      case 13: return "len(label) > 3";
      case 14: return "lower(label) == \"beta\"";
      case 15: return "eccn under \"" + Pick(kCodes) + "\"";
      case 16: return "eccn not under {\"3B001.c\", \"5A002\"}";
      case 17: return "eccn matches \"3A0*\"";
      case 18: return "eccn == \"" + Pick(kCodes) + "\"";
      case 19: return "hs under \"8542\"";
      case 20: return "value > 1000 USD";
      case 21: return "value < 500 EUR";
      case 22: return "amount(value) > 100";
      case 23: return "\"x\" in tags";
      case 24: return "has(tags)";
      case 25: return "has(end_user) and end_user.kind == \"military\"";
      case 26: return "end_user.kind == \"government\"";
      case 27: return "end_user.country == " + Country();
      case 28: return "shipped <= 2025-06-01";
      case 29: return "year(shipped) == 2025";
      case 30: return "days_between(shipped, date) > 30";
      case 31:
        if (classes_ > 0) return "c" + std::to_string(Int(0, classes_ - 1));
        return "has(eccn)";
      case 32: return "date >= 2025-03-01";
      case 33:
      case 34:
        if (lists_ > 0) return Chance(70) ? "end_user matches L0" : "not (end_user matches L0)";
        return "true";
      case 35:
        if (lists_ > 0) {
          switch (Int(0, 3)) {
            case 0: return "match(end_user, L0).score >= 0.9";
            case 1: return "match(end_user, L0).source == \"s1\"";
            case 2: return "match(end_user, L0).row > 4";
            default: return "match(end_user, L0).id == \"E3\"";
          }
        }
        return "false";
      default: return Chance(50) ? "true" : "false";
    }
  }

  // The list every generated policy screens with (written once per process into the temporary
  // directory): entries with aliases, countries, listing dates and sources, so a name is a match,
  // a near miss or neither depending on the record's party, country and date.
  static std::string ListFile() {
    static const std::string path =
        WriteOnce("list",
                  "id,name,aliases,country,listed,delisted,source\n"
                  "E1,Kawasaki Heavy Industries Aerospace Systems Co.,KHI Aerospace "
                  "Systems,JP,2025-02-24,,s1\n"
                  "E2,Nordwind Optics GmbH,Nordwind Optik,DE;FR,,,s2\n"
                  "E3,Beispiel Hochfrequenz Technik GmbH,,,2024-06-01,2025-12-31,s1\n"
                  "E4,Tokyo Precision Instruments,,JP,,,s2\n"
                  "E5,Red Star Trading Company,,CN,2025-01-01,,s1\n"
                  "E6,三菱重工業株式会社,Mitsubishi Heavy Industries,JP,,,s2\n");
    return path;
  }
  // The same entries without listing dates (for tests that need an undated program).
  static std::string UndatedListFile() {
    static const std::string path = WriteOnce(
        "undated-list",
        "id,name,aliases,country,listed,delisted,source\n"
        "E1,Kawasaki Heavy Industries Aerospace Systems Co.,KHI Aerospace Systems,JP,,,s1\n"
        "E2,Nordwind Optics GmbH,Nordwind Optik,DE;FR,,,s2\n"
        "E3,Beispiel Hochfrequenz Technik GmbH,,,,,s1\n"
        "E4,Tokyo Precision Instruments,,JP,,,s2\n"
        "E5,Red Star Trading Company,,CN,,,s1\n"
        "E6,三菱重工業株式会社,Mitsubishi Heavy Industries,JP,,,s2\n");
    return path;
  }
  static std::string ClearedFile() {
    static const std::string path =
        WriteOnce("cleared",
                  "party,entry,decided_by,decided_on,note\n"
                  "Nordwind Optic,E2,tester,2025-01-01,a different company\n"
                  "Red Star Trading,E5,tester,2025-01-01,\n");
    return path;
  }
  static std::string WriteOnce(const char* what, const char* text) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = ".";
    std::string path = (dir / ("licit-random-" + std::string(what) + "-" +
                               std::to_string(static_cast<unsigned long>(::getpid())) + ".csv"))
                           .string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // --- records ---------------------------------------------------------------------------------
  std::string Record(int i) {
    std::string s = "{\"id\":\"r" + std::to_string(i) + "\",\"date\":\"" + Date() +
                    "\",\"destination\":\"" + Country() + "\"";
    auto opt = [&](const char* name, const std::string& json) {
      int c = Int(0, 9);
      if (c == 0) return;  // missing
      s += ",\"" + std::string(name) + "\":";
      s += c == 1 ? std::string("null") : json;
    };
    opt("origin", "\"" + Country() + "\"");
    opt("n", std::to_string(Int(-1, 9)));
    opt("qty", Pick(kDecimals));
    opt("label", "\"" + Pick(kLabels) + "\"");
    // Codes compare case-insensitively: one record code in ten is written in lower case.
    std::string eccn = Pick(kCodes);
    if (Chance(10))
      for (char& c : eccn) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    opt("eccn", "\"" + eccn + "\"");
    opt("hs", "\"" + Pick(kHs) + "\"");
    opt("value", "\"" + Pick(kMoney) + "\"");
    opt("tags", Chance(50) ? "[\"x\",\"y\"]" : "[\"y\"]");
    std::string party = "{\"name\":\"" + Pick(kPartyNames) + "\"";
    if (Int(0, 3) > 0) party += ",\"country\":\"" + Country() + "\"";
    int k = Int(0, 4);
    if (k == 1) party += ",\"kind\":null";
    if (k >= 2) party += ",\"kind\":\"" + Pick(kKinds) + "\"";
    party += "}";
    opt("end_user", party);
    opt("shipped", "\"" + Date() + "\"");
    s += "}";
    return s;
  }

 private:
  std::mt19937_64 rng_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0, pos_ = 0;
  bool from_bytes_ = false;
  int classes_ = 0;
  int groups_ = 0;
  int lists_ = 0;

  Shape last_shape_ = Shape::Mixed;
  inline static const std::vector<std::string> kCountries = {"JP", "KR", "DE", "CN",
                                                             "US", "FR", "IR"};
  inline static const std::vector<std::string> kEffects = {
      "deny", "license \"L1\"", "license", "review", "allow", "license \"L2\""};
  inline static const std::vector<std::string> kDefaults = {"allow", "allow", "review", "deny",
                                                            "license \"D\""};
  inline static const std::vector<std::string> kLabels = {"alpha", "Beta", "gamma", "al", "beta"};
  inline static const std::vector<std::string> kGlobs = {"a*", "?eta", "*a", "g*m*"};
  inline static const std::vector<std::string> kCodes = {"3A001",   "3A001.a", "3A001.a.2", "3B001",
                                                         "3B001.c", "5A002",   "EAR99"};
  inline static const std::vector<std::string> kHs = {"8542", "8542.31", "8471.30", "85"};
  inline static const std::vector<std::string> kDecimals = {"0", "1.5", "12.25", "-3", "7"};
  inline static const std::vector<std::string> kMoney = {"100.00 USD", "2500 USD", "900 EUR",
                                                         "1000 USD"};
  inline static const std::vector<std::string> kKinds = {"military", "government", "commercial"};
  // Exact names and aliases, legal forms and punctuation, typos, word order, initialisms, CJK,
  // cleared names and names far from every entry.
  inline static const std::vector<std::string> kPartyNames = {
      "p",
      "Kawasaki Heavy Industries Aerospace Systems Co.",
      "KAWASAKI HEAVY INDUSTRIES, LTD., AEROSPACE SYSTEMS COMPANY",
      "Kawasaki Heavy Industries Aerospace",
      "KHI Aerospace",
      "Nordwind Optics",
      "Nordwind Optic",
      "Nordwind Optiks",
      "Beispiel Hochfrequenz GmbH",
      "Hochfrequenz Technik Beispiel",
      "Tokyo Precision Instrument",
      "Tokyo Electron",
      "Red Star Trading",
      "Red Star Trading Co",
      "三菱重工業",
      "Mitsubishi Heavy Industries, Ltd.",
      "Acme Widgets",
  };
  inline static const std::vector<std::string> kThresholds = {
      " match 0.95 review 0.80", " review 0.90", " match 0.88", " match 1 review 1"};
  inline static const std::vector<Field> kKeyFields = {{"eccn", true, false, &kCodes},
                                                       {"eccn", true, false, &kCodes},
                                                       {"destination", false, true, &kCountries},
                                                       {"origin", false, true, &kCountries},
                                                       {"label", false, false, &kLabels},
                                                       {"hs", true, false, &kHs}};
};

}  // namespace licit::testing
