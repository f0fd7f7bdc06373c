// `licit test FILE...`: run each policy's `test` blocks (language.md section 10) and report the
// rules no test fires.

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "tools/licit/commands.h"
#include "tools/licit/options.h"
#include "tools/licit/policy.h"

namespace licit::cli {
namespace {

rt::DecisionEffect ToDecisionEffect(ir::Effect e) {
  switch (e) {
    case ir::Effect::Allow: return rt::DecisionEffect::Allow;
    case ir::Effect::Exempt: return rt::DecisionEffect::Exempt;
    case ir::Effect::Review: return rt::DecisionEffect::Review;
    case ir::Effect::License: return rt::DecisionEffect::License;
    case ir::Effect::Deny: return rt::DecisionEffect::Deny;
  }
  return rt::DecisionEffect::Allow;
}

// What one policy decided for a test's record: its effect and who contributed it.
struct Observed {
  rt::DecisionEffect effect = rt::DecisionEffect::Allow;
  std::vector<std::string> by;                // rules (or, for exempt, exceptions), sorted
  std::vector<std::string> licenses;          // licence names of this policy's licence rules
  std::vector<std::string> contributions;     // "rule (effect)" for every contribution
  std::string error;
};

// "path/to/file.licit" of a "path/to/file.licit:12:3" location.
std::string_view FileOf(std::string_view at) {
  for (int colons = 0; colons < 2; ++colons) {
    size_t c = at.rfind(':');
    if (c == std::string_view::npos) return at;
    at = at.substr(0, c);
  }
  return at;
}

Observed Observe(const rt::Decision& d, size_t policy_index, const std::string& policy) {
  Observed o;
  if (d.effect == rt::DecisionEffect::Error) {
    o.effect = rt::DecisionEffect::Error;
    o.error = d.error;
    return o;
  }
  o.effect = policy_index < d.policies.size() ? d.policies[policy_index].effect : d.effect;
  std::set<std::string> by, licenses;
  for (const rt::RuleHit& hit : d.rules) {
    if (hit.policy != policy && !hit.policy.empty()) continue;
    o.contributions.push_back(fmt::format("{} ({})", hit.rule, rt::DecisionEffectName(hit.effect)));
    if (hit.effect != o.effect) continue;
    if (o.effect == rt::DecisionEffect::Exempt) {
      // Several policies may have a rule of this name: the waiver is this policy's when its
      // exception is in the rule's file (a policy's rules and exceptions share its file).
      for (const rt::Waiver& w : d.waived) {
        if (w.rule == hit.rule && FileOf(w.at) == FileOf(hit.at)) by.insert(w.exception);
      }
    } else {
      by.insert(hit.rule);
    }
    if (hit.effect == rt::DecisionEffect::License && hit.license) licenses.insert(*hit.license);
  }
  o.by.assign(by.begin(), by.end());
  o.licenses.assign(licenses.begin(), licenses.end());
  return o;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string Describe(rt::DecisionEffect effect, const std::optional<std::string>& license,
                     const std::vector<std::string>& by) {
  std::string out = rt::DecisionEffectName(effect);
  if (license) out += fmt::format(" \"{}\"", *license);
  if (!by.empty()) out += " by " + Join(by);
  return out;
}

int RunTest(std::span<const std::string> args) {
  CommonOptions options;
  JudgeOptionText judge_text;
  std::string error;
  std::vector<OptionSpec> specs = {{"engine", &judge_text.engine}};
  if (!ParseOptions(args, specs, &options, &error)) return UsageError("test", error);
  if (options.help) {
    WriteStdout(kTestCommand.help);
    return kExitOk;
  }
  JudgeOptions judge;
  if (!ParseJudgeOptions(judge_text, &judge, &error)) return UsageError("test", error);
  if (options.positional.empty()) return UsageError("test", "`test` needs at least one policy FILE");

  LoadedPolicy policy;
  if (int code = LoadPolicy(options, judge.engine, &policy); code != kExitOk) return code;
  const ir::Program& program = *policy.program;

  std::string out;
  size_t passed = 0, failed = 0;
  // (policy, rule) pairs some test fired.
  std::set<std::pair<std::string, std::string>> fired;
  rt::Record record(&program.input);
  for (size_t p = 0; p < program.policies.size(); ++p) {
    const ir::Policy& pol = program.policies[p];
    if (pol.tests.empty()) continue;
    out += fmt::format("{} ({})\n", pol.name, pol.path);
    for (const ir::Test& test : pol.tests) {
      record.Clear();
      for (const auto& [slot, constant] : test.given) record.slot(slot) = program.constants[constant];
      interp::Explanation e = policy.engine->Explain(record, {});
      for (const interp::Outcome& o : e.outcomes) {
        if (!o.is_exception && (o.kind == interp::Outcome::Kind::Fired ||
                                o.kind == interp::Outcome::Kind::Waived)) {
          fired.insert({o.policy, o.name});
        }
      }
      Observed got = Observe(e.decision, p, pol.name);
      rt::DecisionEffect want = ToDecisionEffect(test.expect);
      std::vector<std::string> want_by = test.by;
      std::sort(want_by.begin(), want_by.end());
      want_by.erase(std::unique(want_by.begin(), want_by.end()), want_by.end());
      bool ok = got.effect == want;
      if (ok && !want_by.empty()) ok = got.by == want_by;
      if (ok && test.expect_license) {
        ok = std::find(got.licenses.begin(), got.licenses.end(), *test.expect_license) !=
             got.licenses.end();
      }
      if (ok) {
        ++passed;
        out += fmt::format("  PASS  {}\n", test.name);
        continue;
      }
      ++failed;
      out += fmt::format("  FAIL  {}  ({})\n", test.name, test.at);
      out += fmt::format("        expected: {}\n", Describe(want, test.expect_license, want_by));
      if (got.effect == rt::DecisionEffect::Error) {
        out += fmt::format("        got:      error: {}\n", got.error);
        continue;
      }
      std::optional<std::string> got_license;
      if (test.expect_license && got.effect == rt::DecisionEffect::License) {
        got_license = got.licenses.empty() ? "(unnamed)" : Join(got.licenses);
      }
      out += fmt::format("        got:      {}\n", Describe(got.effect, got_license, got.by));
      out += fmt::format("        contributions: {}\n",
                         got.contributions.empty() ? "none (the default)" : Join(got.contributions));
    }
  }
  size_t total = passed + failed;
  if (total == 0) {
    out += "no tests found\n";
  } else {
    out += fmt::format("\n{} test{}: {} passed, {} failed\n", total, total == 1 ? "" : "s", passed,
                       failed);
  }
  // Coverage: every rule of every policy that no test fired.
  std::vector<std::string> uncovered;
  for (const ir::Policy& pol : program.policies) {
    for (const ir::Rule& rule : pol.rules) {
      if (!fired.count({pol.name, rule.name})) {
        uncovered.push_back(fmt::format("  {} ({})\n", rule.name, rule.at));
      }
    }
  }
  if (uncovered.empty()) {
    out += "coverage: every rule is fired by at least one test\n";
  } else {
    out += fmt::format("coverage: {} rule{} no test fires:\n", uncovered.size(),
                       uncovered.size() == 1 ? "" : "s");
    for (const auto& u : uncovered) out += u;
  }
  WriteStdout(out);
  return failed > 0 ? kExitPolicyErrors : kExitOk;
}

}  // namespace

const Command kTestCommand = {
    "test",
    "run the policy's test blocks and report rule coverage",
    R"(Usage: licit test [OPTIONS] FILE...

Runs every `test` block of the policy files. Each test's `given` record is judged at its `date`
by its own policy (with the other files loaded too); the test passes when that policy's effect
is the expected one and, with `by`, exactly the named rules contributed it (for `exempt`: the
exceptions that waived). `expect license "name"` also checks the licence. A failing test shows
what was expected and what came out, with every contribution. Then the rules no test fires.

Options:
  --engine jit|interp    the evaluation engine (default: jit, the LLVM JIT; interp is the
                         reference interpreter, which decides the same)
  --diagnostics=text|json  --color=auto|always|never  --werror  --max-source-bytes N
  -h, --help             show this help

Exit status: 0 all tests pass, 1 a test failed or the policy has errors, 2 usage error,
70 internal error.

Example:
  licit test examples/cn-japan-2026.licit
)",
    RunTest,
};

}  // namespace licit::cli
