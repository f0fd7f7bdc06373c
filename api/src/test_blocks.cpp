// Policy::run_tests and TestReport (licit.hpp): a policy's `test` blocks (language.md section 10)
// judged by the policy's engine, with rule coverage. `licit test` and the REPL's :test print
// TestReport::to_text().

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "api/src/state.h"
#include "base/json.h"

namespace licit {
namespace {

// What one policy decided for a test's record: its effect and who contributed it.
struct Observed {
  rt::Effect effect = rt::Effect::Allow;
  std::vector<std::string> by;             // rules (or, for exempt, exceptions), sorted
  std::vector<std::string> licenses;       // licence names of this policy's licence rules
  std::vector<std::string> contributions;  // "rule (effect)" for every contribution
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
  if (d.effect == rt::Effect::Error) {
    o.effect = rt::Effect::Error;
    o.error = d.error;
    return o;
  }
  o.effect = policy_index < d.policies.size() ? d.policies[policy_index].effect : d.effect;
  std::set<std::string> by, licenses;
  for (const rt::RuleHit& hit : d.rules) {
    if (hit.policy != policy && !hit.policy.empty()) continue;
    o.contributions.push_back(fmt::format("{} ({})", hit.rule, rt::EffectName(hit.effect)));
    if (hit.effect != o.effect) continue;
    if (o.effect == rt::Effect::Exempt) {
      // Several policies may have a rule of this name: the waiver is this policy's when its
      // exception is in the rule's file (a policy's rules and exceptions share its file).
      for (const rt::Waiver& w : d.waived) {
        if (w.rule == hit.rule && FileOf(w.at) == FileOf(hit.at)) by.insert(w.exception);
      }
    } else {
      by.insert(hit.rule);
    }
    if (hit.effect == rt::Effect::License && hit.license) licenses.insert(*hit.license);
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

std::string Describe(rt::Effect effect, const std::optional<std::string>& license,
                     const std::vector<std::string>& by) {
  std::string out = rt::EffectName(effect);
  if (license) out += fmt::format(" \"{}\"", *license);
  if (!by.empty()) out += " by " + Join(by);
  return out;
}

// Judges one test's record and compares with what it expects.
TestCase RunOne(const detail::CompiledState& state, size_t policy_index, const ir::Test& test,
                rt::Record& record, std::set<std::pair<std::string, std::string>>& fired) {
  const ir::Program& program = *state.program;
  const ir::Policy& pol = program.policies[policy_index];
  record.Clear();
  for (const auto& [slot, constant] : test.given) record.slot(slot) = program.constants[constant];
  decide::Explanation e = state.Explain(record, {});
  for (const decide::Outcome& o : e.outcomes) {
    if (!o.is_exception &&
        (o.kind == decide::Outcome::Kind::Fired || o.kind == decide::Outcome::Kind::Waived)) {
      fired.insert({o.policy, o.name});
    }
  }
  Observed got = Observe(e.decision, policy_index, pol.name);
  rt::Effect want = test.expect;
  std::vector<std::string> want_by = test.by;
  std::sort(want_by.begin(), want_by.end());
  want_by.erase(std::unique(want_by.begin(), want_by.end()), want_by.end());

  TestCase tc;
  tc.policy = pol.name;
  tc.file = pol.path;
  tc.name = test.name;
  tc.at = test.at;
  tc.expected = Describe(want, test.expect_license, want_by);
  if (got.effect == rt::Effect::Error) {
    tc.error = got.error;
    tc.got = "error: " + got.error;
    return tc;
  }
  bool ok = got.effect == want;
  if (ok && !want_by.empty()) ok = got.by == want_by;
  if (ok && test.expect_license) {
    ok = std::find(got.licenses.begin(), got.licenses.end(), *test.expect_license) !=
         got.licenses.end();
  }
  std::optional<std::string> got_license;
  if (test.expect_license && got.effect == rt::Effect::License) {
    got_license = got.licenses.empty() ? "(unnamed)" : Join(got.licenses);
  }
  tc.got = Describe(got.effect, got_license, got.by);
  tc.passed = ok;
  if (!ok) tc.contributions = Join(got.contributions);
  return tc;
}

}  // namespace

TestReport Policy::run_tests() const {
  TestReport report;
  if (!state_) return report;
  const ir::Program& program = *state_->program;
  // (policy, rule) pairs some test fired.
  std::set<std::pair<std::string, std::string>> fired;
  rt::Record record(&program.input);
  for (size_t p = 0; p < program.policies.size(); ++p) {
    for (const ir::Test& test : program.policies[p].tests) {
      report.tests.push_back(RunOne(*state_, p, test, record, fired));
      ++(report.tests.back().passed ? report.passed : report.failed);
    }
  }
  // Coverage: every rule of every policy that no test fired.
  for (const ir::Policy& pol : program.policies) {
    for (const ir::Rule& rule : pol.rules) {
      if (!fired.count({pol.name, rule.name})) {
        report.uncovered.push_back(UncoveredRule{pol.name, rule.name, rule.at});
      }
    }
  }
  return report;
}

std::string TestReport::to_text(bool color) const {
  auto paint = [color](std::string_view code, std::string_view text) {
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
  };
  std::string out;
  const TestCase* previous = nullptr;
  for (const TestCase& tc : tests) {
    // One heading per policy (its tests are consecutive).
    if (!previous || previous->policy != tc.policy || previous->file != tc.file) {
      out += fmt::format("{} ({})\n", tc.policy, tc.file);
    }
    previous = &tc;
    if (tc.passed) {
      out += fmt::format("  {}  {}\n", paint("32", "PASS"), tc.name);
      continue;
    }
    out += fmt::format("  {}  {}  ({})\n", paint("1;31", "FAIL"), tc.name, tc.at);
    out += fmt::format("        expected: {}\n", tc.expected);
    out += fmt::format("        got:      {}\n", tc.got);
    if (!tc.error.empty()) continue;
    out += fmt::format("        contributions: {}\n",
                       tc.contributions.empty() ? "none (the default)" : tc.contributions);
  }
  size_t total = passed + failed;
  if (total == 0) {
    out += "no tests found\n";
  } else {
    out += fmt::format("\n{} test{}: {} passed, {} failed\n", total, total == 1 ? "" : "s", passed,
                       failed);
  }
  if (uncovered.empty()) {
    out += "coverage: every rule is fired by at least one test\n";
  } else {
    out += fmt::format("coverage: {} rule{} no test fires:\n", uncovered.size(),
                       uncovered.size() == 1 ? "" : "s");
    for (const UncoveredRule& u : uncovered) out += fmt::format("  {} ({})\n", u.rule, u.at);
  }
  return out;
}

std::string TestReport::to_json() const {
  std::string out = "{\"tests\":[";
  auto field = [&out](std::string_view name, std::string_view value, bool first = false) {
    if (!first) out += ',';
    AppendJsonString(out, name);
    out += ':';
    AppendJsonString(out, value);
  };
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestCase& tc = tests[i];
    out += i ? ",{" : "{";
    field("policy", tc.policy, true);
    field("file", tc.file);
    field("name", tc.name);
    field("at", tc.at);
    out += tc.passed ? ",\"passed\":true" : ",\"passed\":false";
    field("expected", tc.expected);
    field("got", tc.got);
    field("contributions", tc.contributions);
    if (tc.error.empty()) {
      out += ",\"error\":null";
    } else {
      field("error", tc.error);
    }
    out += '}';
  }
  out += fmt::format("],\"passed\":{},\"failed\":{},\"uncovered\":[", passed, failed);
  for (size_t i = 0; i < uncovered.size(); ++i) {
    out += i ? ",{" : "{";
    field("policy", uncovered[i].policy, true);
    field("rule", uncovered[i].rule);
    field("at", uncovered[i].at);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace licit
