// The analysis's text encodings against the runtime they stand for: the classes of codes
// (analysis::CodeClasses) must cover every outcome vector a real code can have, and the regular
// languages for `under` and `matches` (used where a field is a z3 string) must accept exactly the
// strings the runtime's tests accept. Random codes and patterns, seeded.
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analysis/encode.h"
#include "base/code.h"
#include "core/builtins.h"
#include "core/eval_context.h"

namespace licit::analysis {
namespace {

using rt::Value;

// A random code from pieces the patterns use, so codes meet patterns often.
std::string RandomCode(std::mt19937_64& rng, const std::vector<std::string>& pieces) {
  std::uniform_int_distribution<int> n(1, 4), pick(0, static_cast<int>(pieces.size()) - 1),
      coin(0, 3);
  std::string out;
  for (int k = n(rng); k > 0; --k) {
    if (!out.empty() && coin(rng) != 0) out += '.';
    out += pieces[static_cast<size_t>(pick(rng))];
  }
  return out;
}

int UnderOutcome(rt::EvalContext& ctx, const std::string& code, const std::string& pattern) {
  const Value c = Value::Code(code), p = Value::Code(pattern);
  Value r;
  licit_rt_under(&ctx, &c, &p, &r);
  return !r.known() ? 2 : r.b ? 1 : 0;
}

std::vector<int> Signature(rt::EvalContext& ctx, const std::string& code,
                           const std::vector<std::string>& patterns,
                           const std::vector<std::string>& constants) {
  std::vector<int> s;
  for (const std::string& p : patterns) s.push_back(UnderOutcome(ctx, code, p));
  for (const std::string& k : constants) s.push_back(code == k ? 1 : 0);
  return s;
}

TEST_CASE("analysis: the classes of codes cover every outcome of random codes",
          "[analysis][classes]") {
  std::mt19937_64 rng(20261207);
  const std::vector<std::vector<std::string>> piece_sets = {
      {"8112", "92", "90", "10", "8", "81", "1", "2", "0", "9"},    // HS codes (digits)
      {"3A001", "A", "B", "2", "Z", "3A", "3", "1C010", "E", "1"},  // ECCNs
      {"85", "A", "8542", "31", "3A001", "B", "0", "X1"},           // a mix of both kinds
  };
  rt::EvalContext ctx;
  for (int round = 0; round < 60; ++round) {
    const auto& pieces = piece_sets[static_cast<size_t>(round) % piece_sets.size()];
    std::vector<std::string> patterns, constants;
    std::uniform_int_distribution<int> np(1, 6), nc(0, 3);
    for (int k = np(rng); k > 0; --k) {
      std::string p = RandomCode(rng, pieces);
      if (IsValidCode(p)) patterns.push_back(p);
    }
    for (int k = nc(rng); k > 0; --k) constants.push_back(RandomCode(rng, pieces));
    const std::vector<std::string> classes = CodeClasses(constants, patterns, true, false);
    std::set<std::vector<int>> covered;
    for (const std::string& c : classes) {
      REQUIRE(IsValidCode(c));
      covered.insert(Signature(ctx, c, patterns, constants));
    }
    // Every class is distinct.
    REQUIRE(covered.size() == classes.size());
    for (int k = 0; k < 3000; ++k) {
      const std::string code = RandomCode(rng, pieces);
      if (!IsValidCode(code)) continue;
      INFO("patterns " << ::Catch::Detail::stringify(patterns) << ", constants "
                       << ::Catch::Detail::stringify(constants) << ", code " << code);
      REQUIRE(covered.count(Signature(ctx, code, patterns, constants)) == 1);
    }
  }
}

// Whether a concrete string is in a regular language, as z3 decides it.
bool InLanguage(z3::context& c, const std::string& s, const z3::expr& re) {
  return z3::in_re(Bytes(c, s), re).simplify().is_true();
}

TEST_CASE("analysis: the languages of `under` accept what the runtime's under accepts",
          "[analysis][regex]") {
  std::mt19937_64 rng(7);
  z3::context c;
  rt::EvalContext ctx;
  const std::vector<std::string> pieces = {"8112", "92", "9", "1", "3A001", "A", "B2", "Z", ""};
  for (int round = 0; round < 40; ++round) {
    std::string pattern = RandomCode(rng, pieces);
    if (!IsValidCode(pattern)) continue;
    UnderLanguages langs = UnderRegex(c, pattern);
    for (int k = 0; k < 150; ++k) {
      const std::string code = RandomCode(rng, pieces);
      if (!IsValidCode(code)) continue;
      const int want = UnderOutcome(ctx, code, pattern);
      INFO("code " << code << " under " << pattern);
      REQUIRE(InLanguage(c, code, langs.is_true) == (want == 1));
      REQUIRE(InLanguage(c, code, langs.less_specific) == (want == 2));
    }
  }
}

TEST_CASE("analysis: the languages of `matches` accept what the runtime's glob accepts",
          "[analysis][regex]") {
  std::mt19937_64 rng(11);
  z3::context c;
  rt::EvalContext ctx;
  const std::vector<std::string> pieces = {"a", "B", "*", "?", "\xc3\xa9", "x", "3A"};
  std::uniform_int_distribution<int> len(0, 5), pick(0, static_cast<int>(pieces.size()) - 1);
  auto random = [&](bool glob) {
    std::string s;
    for (int k = len(rng); k > 0; --k) {
      std::string p = pieces[static_cast<size_t>(pick(rng))];
      if (!glob && (p == "*" || p == "?")) p = "q";
      s += p;
    }
    return s;
  };
  for (int round = 0; round < 40; ++round) {
    const std::string glob = random(true);
    for (bool fold : {false, true}) {
      z3::expr re = GlobRegex(c, glob, fold);
      for (int k = 0; k < 60; ++k) {
        std::string subject = random(false);
        if (fold)
          for (char& ch : subject)
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        const Value s = fold ? Value::Code(subject) : Value::String(subject);
        const Value g = Value::String(glob);
        Value r;
        licit_rt_matches(&ctx, &s, &g, &r);
        INFO("subject " << subject << " matches " << glob << (fold ? " (code)" : ""));
        REQUIRE(InLanguage(c, subject, re) == r.b);
      }
    }
  }
}

}  // namespace
}  // namespace licit::analysis
