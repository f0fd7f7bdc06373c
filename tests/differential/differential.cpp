#include "tests/differential/differential.h"

#include <utility>

#include <fmt/format.h>

#include "base/diagnostic.h"
#include "base/source.h"
#include "core/decision.h"
#include "core/flat_record.h"
#include "core/record.h"
#include "core/verdict.h"
#include "engines/interp/interpreter.h"
#include "engines/jit/jit.h"
#include "frontend/pipeline.h"
#include "io/record_reader.h"

namespace licit::testing {

struct EngineDiff::State {
  std::string policy;
  SourceManager sources;
  std::unique_ptr<ir::Program> program;
  std::unique_ptr<interp::Interpreter> interp;
  std::unique_ptr<jit::JitProgram> jit;
  std::unique_ptr<rt::Record> record;
  std::unique_ptr<rt::FlatBatch> batch;
};

EngineDiff::EngineDiff(std::unique_ptr<State> state) : state_(std::move(state)) {}
EngineDiff::~EngineDiff() = default;

std::unique_ptr<EngineDiff> EngineDiff::Compile(const std::string& policy, std::string* error) {
  auto st = std::make_unique<State>();
  st->policy = policy;
  DiagnosticSink diags;
  frontend::Compiled compiled = frontend::CompileText(st->sources, "diff.licit", policy, diags);
  for (const Diagnostic& d : diags.all())
    if (d.severity == Severity::Error) *error += d.message + "\n";
  for (const std::string& message : compiled.internal) *error += message + "\n";
  if (!error->empty()) return nullptr;
  if (!compiled.program) {
    *error = "lowering failed";
    return nullptr;
  }
  st->program = std::move(compiled.program);
  st->interp = std::make_unique<interp::Interpreter>(*st->program);
  st->jit = jit::JitProgram::Compile(*st->program, *st->interp, error);
  if (!st->jit) {
    *error = "JIT compile failed: " + *error;
    return nullptr;
  }
  st->record = std::make_unique<rt::Record>(&st->program->input);
  st->batch = std::make_unique<rt::FlatBatch>(st->jit->flat_layout());
  std::unique_ptr<EngineDiff> diff(new EngineDiff(std::move(st)));
  DiffCoverage& c = diff->coverage_;
  const jit::JitProgram::Shape& shape = diff->state_->jit->shape();
  c.policies = 1;
  c.dispatched_keys = shape.dispatched_keys;
  c.dispatched_rules = shape.dispatched_rules;
  c.data_rules = shape.data_rules;
  c.second_level_runs = shape.second_level_runs;
  c.policies_with_dispatch = shape.dispatched_keys > 0 ? 1 : 0;
  c.fast_only_policies = shape.full_path_code ? 0 : 1;
  c.unoptimized_policies = shape.optimized ? 0 : 1;
  c.sharded_policies = shape.modules > 1 ? 1 : 0;
  return diff;
}

namespace {

bool SameVerdict(const rt::Verdict& a, const rt::Verdict& b) {
  if (a.effect != b.effect || a.count != b.count) return false;
  for (uint32_t h = 0; h < a.count; ++h) {
    if (a.hits[h].policy != b.hits[h].policy || a.hits[h].rule != b.hits[h].rule ||
        a.hits[h].exception != b.hits[h].exception || a.hits[h].effect != b.hits[h].effect)
      return false;
  }
  return true;
}

std::string VerdictText(bool decided, const rt::Verdict& v) {
  if (!decided) return "(not decided: the full path's)";
  std::string out = fmt::format("effect {}, {} hits:", rt::EffectName(v.effect), v.count);
  for (uint32_t h = 0; h < v.count; ++h)
    out += fmt::format(" (policy {} rule {} exception {} {})", v.hits[h].policy, v.hits[h].rule,
                       static_cast<int64_t>(v.hits[h].exception == UINT32_MAX
                                                ? -1
                                                : static_cast<int64_t>(v.hits[h].exception)),
                       rt::EffectName(v.hits[h].effect));
  return out;
}

}  // namespace

bool EngineDiff::Check(const std::string& json, const decide::DecideOptions& options,
                       DiffFailure* failure) {
  State& st = *state_;
  auto fail = [&](std::string what, std::string expected, std::string actual) {
    *failure =
        DiffFailure{std::move(what), st.policy, json, std::move(expected), std::move(actual)};
    return false;
  };
  rt::Record& record = *st.record;
  record.Clear();
  std::string read_error;
  if (!io::ReadJsonRecord(json, record, read_error))
    return fail("the record does not read: " + read_error, "", "");

  // Decisions are compared field by field, and rendered as JSON (what users see, and what the
  // verdict is about) only when the fields differ: rendering every path's decision was a sixth of
  // the fuzzer's time. Equal fields render equal JSON; differing fields may still render the same
  // (the JSON leaves some out), which is agreement.
  const rt::Decision reference = st.interp->Decide(record, options);
  auto disagrees = [&](const rt::Decision& other, std::string& expected, std::string& actual) {
    if (other == reference) return false;
    expected = rt::DecisionToJson(reference);
    actual = rt::DecisionToJson(other);
    return expected != actual;
  };
  std::string expected, actual;
  const bool check_index = index_check_every_ != 0 && coverage_.records % index_check_every_ == 0;
  if (check_index) {
    std::vector<ir::RuleIndex> saved = std::move(st.program->rule_index);
    st.program->rule_index.clear();
    const rt::Decision every_rule = st.interp->Decide(record, options);
    st.program->rule_index = std::move(saved);
    if (disagrees(every_rule, expected, actual)) {
      return fail("the rule index changes the interpreter's decision (indexed, every rule)",
                  expected, actual);
    }
  }
  const rt::Decision jd = st.jit->Decide(record, options);
  if (disagrees(jd, expected, actual)) {
    return fail("the engines disagree (interpreter, JIT)", expected, actual);
  }
  if (disagrees(st.jit->DecideFullPath(record, options), expected, actual)) {
    return fail("the JIT's full path disagrees (interpreter, JIT full path)", expected, actual);
  }

  rt::Verdict verdict;
  const bool decided = st.jit->DecideVerdict(record, options, verdict);
  if (decided && verdict.effect != jd.effect) {
    return fail("DecideVerdict's effect differs from the decision's (decision, verdict)",
                rt::DecisionToJson(reference), VerdictText(decided, verdict));
  }
  st.batch->Clear();
  st.batch->Add(record);
  rt::Verdict flat;
  const bool flat_decided = st.jit->DecideVerdict(st.batch->record(0), options, flat);
  if (flat_decided != decided || (decided && !SameVerdict(flat, verdict))) {
    return fail("DecideVerdict on the flat record differs from DecideVerdict on the rt::Record",
                VerdictText(decided, verdict), VerdictText(flat_decided, flat));
  }

  DiffCoverage& c = coverage_;
  ++c.records;
  c.decisions += check_index ? 6 : 5;
  if (decided) ++c.fast;
  if (!reference.unknowns.empty()) ++c.with_unknowns;
  if (!reference.waived.empty()) ++c.with_waivers;
  if (reference.effect == rt::Effect::Error) ++c.errors;
  ++c.by_effect[static_cast<size_t>(reference.effect)];
  return true;
}

void DiffCoverage::Add(const DiffCoverage& o) {
  policies += o.policies;
  records += o.records;
  decisions += o.decisions;
  fast += o.fast;
  with_unknowns += o.with_unknowns;
  with_waivers += o.with_waivers;
  errors += o.errors;
  for (size_t i = 0; i < by_effect.size(); ++i) by_effect[i] += o.by_effect[i];
  dispatched_keys += o.dispatched_keys;
  dispatched_rules += o.dispatched_rules;
  data_rules += o.data_rules;
  second_level_runs += o.second_level_runs;
  policies_with_dispatch += o.policies_with_dispatch;
  fast_only_policies += o.fast_only_policies;
  unoptimized_policies += o.unoptimized_policies;
  sharded_policies += o.sharded_policies;
}

std::string DiffCoverage::Text() const {
  auto pct = [](uint64_t n, uint64_t of) { return of == 0 ? 0.0 : 100.0 * n / of; };
  std::string out = fmt::format(
      "policies {}: {} with dispatch ({:.0f}%), {} fast-only (over 256 rules), {} unoptimised, {} "
      "sharded\n",
      policies, policies_with_dispatch, pct(policies_with_dispatch, policies), fast_only_policies,
      unoptimized_policies, sharded_policies);
  out += fmt::format(
      "dispatch: {} keys, {} (value, rule) entries, {} judged from data, {} second-level runs\n",
      dispatched_keys, dispatched_rules, data_rules, second_level_runs);
  out += fmt::format(
      "records {}: fast path {} ({:.0f}%), with unknowns {}, with waivers {}, errors {}\n", records,
      fast, pct(fast, records), with_unknowns, with_waivers, errors);
  out += fmt::format("decisions compared {}\n", decisions);
  out += "effects:";
  for (size_t i = 0; i < by_effect.size(); ++i)
    out += fmt::format(" {} {}", rt::EffectName(static_cast<rt::Effect>(i)), by_effect[i]);
  out += "\n";
  return out;
}

std::string DiffFailure::Text() const {
  return fmt::format("{}\npolicy:\n{}\nrecord: {}\nexpected: {}\nactual:   {}\n", what, policy,
                     record, expected, actual);
}

}  // namespace licit::testing
