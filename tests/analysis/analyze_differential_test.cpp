// `licit analyze`'s proofs checked against deciding records: on random policies
// (tests/differential/random_policy.h), no random record may contradict a finding. A rule proved
// never to fire is never among a decision's rules (or, for "never on complete data", only ever
// with its firing unknown); an exception proved to waive nothing never waives; a rule proved
// always waived never contributes anything but exempt; and taking out a rule proved never to
// matter changes no record's effect. LICIT_ANALYSIS_POLICIES / LICIT_ANALYSIS_RECORDS /
// LICIT_ANALYSIS_SEED override the size.
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"
#include "tests/differential/env.h"
#include "tests/differential/random_policy.h"

namespace licit {
namespace {

using testing::EnvOr;

// The first `name` in backquotes after `after` in a message.
std::string Quoted(const std::string& message, size_t nth = 0) {
  size_t pos = 0;
  for (size_t k = 0;; ++k) {
    size_t open = message.find('`', pos);
    if (open == std::string::npos) return "";
    size_t close = message.find('`', open + 1);
    if (close == std::string::npos) return "";
    if (k == nth) return message.substr(open + 1, close - open - 1);
    pos = close + 1;
  }
}

bool HasRule(const Decision& d, const std::string& rule) {
  for (size_t k = 0; k < d.rule_count(); ++k)
    if (d.rule(k).rule == rule) return true;
  return false;
}

TEST_CASE("analysis: no random record contradicts a finding of licit analyze",
          "[analysis][differential]") {
  const uint64_t seed = EnvOr("LICIT_ANALYSIS_SEED", 20261207);
  const uint64_t policies = EnvOr("LICIT_ANALYSIS_POLICIES", 20);
  const uint64_t records = EnvOr("LICIT_ANALYSIS_RECORDS", 300);
  Engine engine;
  AnalyzeOptions options;
  options.timeout_ms = 2000;
  uint64_t claims = 0, checked = 0;
  for (uint64_t i = 0; i < policies; ++i) {
    testing::Gen gen(seed * 104729 + i);
    testing::Gen::Shares shares;
    shares.dispatch = 10;
    shares.wide = 0;
    const std::string text = gen.Policy(shares);
    Compilation c = engine.compile_source("random.licit", text);
    REQUIRE(c.ok());
    Policy policy = c.policy();
    Compilation findings = policy.analyze(options);
    REQUIRE(findings.ok());
    std::vector<std::string> never, never_known, waives_nothing, always_waived, never_matters;
    for (const DiagnosticInfo& d : findings.diagnostics()) {
      if (d.code == "W0101") {
        (d.message.find("has the fields it reads") != std::string::npos ? never_known : never)
            .push_back(Quoted(d.message));
      } else if (d.code == "W0103") {
        waives_nothing.push_back(Quoted(d.message));
      } else if (d.code == "W0104") {
        always_waived.push_back(Quoted(d.message, 1));
      } else if (d.code == "W0102") {
        never_matters.push_back(Quoted(d.message));
      }
    }
    claims += never.size() + never_known.size() + waives_nothing.size() + always_waived.size() +
              never_matters.size();
    // Each rule proved never to matter, taken out of the text (when nothing else names it).
    std::vector<Policy> without;
    for (const std::string& rule : never_matters) {
      std::string cut =
          std::regex_replace(text, std::regex("\nrule " + rule + ":\n(  .*\n)*"), "\n");
      Compilation w = engine.compile_source("random.licit", cut);
      if (w.ok()) without.push_back(w.policy());
    }
    testing::Gen records_gen(seed + i * 3);
    for (uint64_t r = 0; r < records; ++r) {
      const std::string record = records_gen.Record(static_cast<int>(r));
      const Decision d = policy.decide_json(record);
      if (d.is_error()) continue;
      ++checked;
      INFO("policy " << i << " (seed " << seed << "), record " << record << "\n" << text);
      for (const std::string& rule : never) REQUIRE_FALSE(HasRule(d, rule));
      for (const std::string& rule : never_known) {
        if (!HasRule(d, rule)) continue;
        bool unknown = false, waived = false;
        for (const Unknown& u : d.unknowns()) unknown = unknown || u.rule == rule;
        for (const Waiver& w : d.waived()) waived = waived || w.rule == rule;
        REQUIRE((unknown || waived));
      }
      for (const std::string& exception : waives_nothing)
        for (const Waiver& w : d.waived()) REQUIRE(w.exception != exception);
      for (const std::string& rule : always_waived)
        for (size_t k = 0; k < d.rule_count(); ++k)
          if (d.rule(k).rule == rule) REQUIRE(d.rule(k).effect == Effect::Exempt);
      for (const Policy& w : without) REQUIRE(w.decide_json(record).effect() == d.effect());
    }
  }
  WARN("analyze: " << policies << " policies, " << claims << " findings checked on " << checked
                   << " decisions");
}

}  // namespace
}  // namespace licit
