// `licit diff` without records checked against `licit diff --records` (Policy::impact): on pairs
// of random policies (tests/differential/random_policy.h), every way a random record's decision
// changes between the two must be a change the semantic diff found (or could not settle), never
// one it proved impossible. And a policy compared with itself never shows a change.
// LICIT_ANALYSIS_PAIRS / LICIT_ANALYSIS_RECORDS / LICIT_ANALYSIS_SEED override the size.
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <utility>

#include <catch2/catch.hpp>

#include "licit/licit.hpp"
#include "tests/differential/env.h"
#include "tests/differential/random_policy.h"

namespace licit {
namespace {

using testing::EnvOr;

Policy Compile(const Engine& engine, const std::string& text) {
  Compilation c = engine.compile_source("random.licit", text);
  if (!c.ok()) FAIL("generated policy does not compile:\n" << c.diagnostics_text() << text);
  return c.policy();
}

TEST_CASE("analysis: the semantic diff finds every change random records show",
          "[analysis][differential]") {
  const uint64_t seed = EnvOr("LICIT_ANALYSIS_SEED", 20261207);
  const uint64_t pairs = EnvOr("LICIT_ANALYSIS_PAIRS", 30);
  const uint64_t records = EnvOr("LICIT_ANALYSIS_RECORDS", 300);
  Engine engine;
  SemanticDiffOptions options;
  options.timeout_ms = 2000;
  uint64_t observed = 0, found = 0, unknown = 0;
  for (uint64_t i = 0; i < pairs; ++i) {
    testing::Gen g1(seed * 7919 + i), g2(seed * 7919 + i + 1000000);
    // Mostly the small mixed shape: the solver's questions stay small, and every condition kind
    // of the generator appears.
    testing::Gen::Shares shares;
    shares.dispatch = 20;
    shares.wide = 0;
    const std::string old_text = g1.Policy(shares), new_text = g2.Policy(shares);
    Policy before = Compile(engine, old_text), after = Compile(engine, new_text);
    SemanticDiff diff = before.semantic_diff(after, options);
    REQUIRE(diff.ok());
    std::map<std::pair<Effect, Effect>, EffectChange::Status> status;
    for (const EffectChange& c : diff.changes) {
      status[{c.from, c.to}] = c.status;
      if (c.status == EffectChange::Status::Found) {
        ++found;
        // The witness was decided by both engines before it was reported; decide it again here.
        REQUIRE(before.decide_json(c.witness, {c.date}).effect() == c.from);
        REQUIRE(after.decide_json(c.witness, {c.date}).effect() == c.to);
      }
      if (c.status == EffectChange::Status::Unknown) ++unknown;
    }
    // The same records through `licit diff --records` (Policy::impact): every off-diagonal cell
    // of its old-by-new matrix is a change the semantic diff must not have proved impossible.
    testing::Gen records_gen(seed + i);
    std::string lines;
    for (uint64_t r = 0; r < records; ++r) lines += records_gen.Record(static_cast<int>(r)) + "\n";
    std::istringstream in(lines);
    ImpactSummary impact = before.impact(after, in, [](std::string_view) {});
    REQUIRE(impact.ok());
    const Effect effects[] = {Effect::Allow, Effect::Exempt, Effect::Review, Effect::License,
                              Effect::Deny};
    for (Effect o : effects) {
      for (Effect n : effects) {
        const uint64_t count = impact.matrix[static_cast<int>(o)][static_cast<int>(n)];
        if (o == n || count == 0) continue;
        observed += count;
        INFO("pair " << i << " (seed " << seed << "): " << count << " records "
                     << static_cast<int>(o) << " -> " << static_cast<int>(n) << "\nold:\n"
                     << old_text << "\nnew:\n"
                     << new_text);
        REQUIRE(status.at({o, n}) != EffectChange::Status::Never);
      }
    }
  }
  WARN("semantic diff: " << pairs << " pairs, " << observed << " changed records, " << found
                         << " changes found with witnesses, " << unknown << " unsettled pairs");
}

TEST_CASE("analysis: a random policy compared with itself shows no change",
          "[analysis][differential]") {
  const uint64_t seed = EnvOr("LICIT_ANALYSIS_SEED", 20261207);
  const uint64_t policies = EnvOr("LICIT_ANALYSIS_PAIRS", 30) / 2;
  Engine engine;
  SemanticDiffOptions options;
  options.timeout_ms = 2000;
  for (uint64_t i = 0; i < policies; ++i) {
    testing::Gen gen(seed * 31 + i);
    const std::string text = gen.Policy();
    Policy p = Compile(engine, text);
    SemanticDiff diff = p.semantic_diff(p, options);
    REQUIRE(diff.ok());
    INFO("policy " << i << ":\n" << text);
    REQUIRE_FALSE(diff.different());
  }
}

}  // namespace
}  // namespace licit
