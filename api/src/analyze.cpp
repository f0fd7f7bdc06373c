// Policy::analyze and Policy::semantic_diff: the API over analysis/ (the solver), which hands
// every witness record back here to be decided by both engines before anything is claimed.
#include <algorithm>

#include "analysis/analysis.h"
#include "api/src/state.h"
#include "base/date.h"
#include "base/json.h"
#include "io/record_reader.h"

namespace licit {

using detail::CompiledState;
using detail::DecisionData;

namespace {

// Decides a witness with every engine the policy has: the interpreter always, the JIT when
// compiled. An unreadable witness gives no decisions (so nothing is claimed from it).
analysis::DecideWitness WitnessDecider(const CompiledState& s) {
  return [&s](const std::string& json, std::optional<DayNumber> as_of) {
    std::vector<rt::Decision> out;
    rt::Record record(&s.program->input);
    std::string error;
    if (!io::ReadJsonRecord(json, record, error)) return out;
    decide::DecideOptions options;
    options.as_of = as_of;
    out.push_back(s.interp->Decide(record, options));
    // A witness is worth the wait for a tiered policy's JIT: both engines must decide it.
    if (s.WaitForJit() == JitState::Ready) out.push_back(s.Jit()->Decide(record, options));
    return out;
  };
}

std::optional<DayNumber> ParseDay(const std::optional<std::string>& text, std::string& error,
                                  const char* what) {
  if (!text) return std::nullopt;
  auto date = ParseDateLiteral(*text);
  if (!date || date->is_month) {
    error = std::string(what) + " takes a date like 2026-01-06, not `" + *text + "`";
    return std::nullopt;
  }
  return date->first;
}

// The spans of rules the checker already reported as never firing (W0002), by their "at".
std::set<std::string> CheckerNeverFiring(const CompiledState& s) {
  std::set<std::string> out;
  for (const Diagnostic& d : s.diags.all()) {
    if (d.kind != DiagKind::RuleNeverFires) continue;
    for (const ir::Policy& p : s.program->policies)
      for (const ir::Rule& r : p.rules)
        if (r.span.file == d.span.file && r.span.begin <= d.span.begin && d.span.end <= r.span.end)
          out.insert(r.at);
  }
  return out;
}

Decision PublicDecision(rt::Decision d) {
  Decision out;
  DecisionData::Set(out, std::move(d), ErrorKind::None);
  return out;
}

}  // namespace

Compilation Policy::analyze(const AnalyzeOptions& options) const {
  auto out = std::make_shared<CompiledState>();
  if (!state_ || !state_->program) {
    out->extra.push_back(detail::InternalDiagnostic("internal", "no policy to analyze"));
    return Compilation(out);
  }
  const CompiledState& s = *state_;
  for (size_t f = 0; f < s.sources.size(); ++f) {
    const SourceFile& file = s.sources.Get(static_cast<FileId>(f));
    out->sources.Add(file.path(), file.text());
  }
  auto copy = [&](const Diagnostic& d) {
    Diagnostic& c = out->diags.Report(d.kind, d.span, d.message);
    c = d;
  };
  for (const Diagnostic& d : s.diags.all()) copy(d);
  std::string error;
  analysis::AnalyzeOptions ao;
  ao.prover.as_of = ParseDay(options.as_of, error, "--as-of");
  if (!error.empty()) {
    out->extra.push_back(detail::InternalDiagnostic("usage", error));
    return Compilation(out);
  }
  ao.prover.timeout_ms = options.timeout_ms;
  ao.known_never_firing = CheckerNeverFiring(s);
  std::vector<Diagnostic> findings;
  try {
    findings = analysis::Analyze(*s.program, ao, WitnessDecider(s));
  } catch (const std::exception& e) {  // the solver's own failures (z3::exception)
    out->extra.push_back(
        detail::InternalDiagnostic("internal", std::string("analysis failed: ") + e.what()));
    return Compilation(out);
  }
  for (const Diagnostic& d : findings) copy(d);
  out->diags.SortByLocation();
  out->ok = true;
  return Compilation(out);
}

SemanticDiff Policy::semantic_diff(const Policy& after, const SemanticDiffOptions& options) const {
  SemanticDiff result;
  if (!state_ || !state_->program || !after.state_ || !after.state_->program) {
    result.error = "both policy sets must compile";
    return result;
  }
  const CompiledState& before = *state_;
  const CompiledState& now = *after.state_;
  if (!detail::SameLayout(before.program->input, now.program->input)) {
    result.error = "the two sets judge different record types (" + before.program->input.type_name +
                   " and " + now.program->input.type_name + ")";
    return result;
  }
  analysis::ProverOptions po;
  po.timeout_ms = options.timeout_ms;
  po.as_of = ParseDay(options.as_of, result.error, "--as-of");
  if (options.between) {
    auto from = ParseDay(options.between->first, result.error, "--between");
    auto to = ParseDay(options.between->second, result.error, "--between");
    if (from && to) {
      if (*to < *from) result.error = "--between: the second date is before the first";
      po.between = ir::Period{*from, *to};
    }
  }
  if (!result.error.empty()) return result;
  analysis::SemanticDiffResult r;
  try {
    r = analysis::SemanticDiff(*before.program, *now.program, po, WitnessDecider(before),
                               WitnessDecider(now));
  } catch (const std::exception& e) {  // the solver's own failures (z3::exception)
    result.error = std::string("the comparison failed: ") + e.what();
    return result;
  }
  for (analysis::EffectChange& c : r.changes) {
    EffectChange e;
    e.from = static_cast<Effect>(c.from);
    e.to = static_cast<Effect>(c.to);
    e.status = c.answer == analysis::Answer::Sat     ? EffectChange::Status::Found
               : c.answer == analysis::Answer::Unsat ? EffectChange::Status::Never
                                                     : EffectChange::Status::Unknown;
    e.reason = c.reason;
    if (e.status == EffectChange::Status::Found) {
      e.witness = c.witness;
      e.date = FormatDate(po.as_of.value_or(c.day));
      e.old_decision = PublicDecision(std::move(c.old_decisions.front()));
      e.new_decision = PublicDecision(std::move(c.new_decisions.front()));
    }
    result.changes.push_back(std::move(e));
  }
  return result;
}

bool SemanticDiff::equivalent() const noexcept {
  return ok() && std::all_of(changes.begin(), changes.end(), [](const EffectChange& c) {
           return c.status == EffectChange::Status::Never;
         });
}

bool SemanticDiff::different() const noexcept {
  return std::any_of(changes.begin(), changes.end(),
                     [](const EffectChange& c) { return c.status == EffectChange::Status::Found; });
}

namespace {

const char* EffectWord(Effect e) { return rt::EffectName(static_cast<rt::Effect>(e)); }

// "deny by jp-military", "allow (default)", "exempt: dual-use-to-any waived by exhibition",
// "review by jp-military (could not decide: end_user is missing)": a decision in one line.
std::string Summary(const Decision& d) {
  const rt::Decision& r = DecisionData::Get(d);
  std::string out = d.effect_name();
  if (r.effect == rt::Effect::Exempt) {
    out += ":";
    for (size_t k = 0; k < r.waived.size(); ++k)
      out += (k ? ", " : " ") + r.waived[k].rule + " waived by " + r.waived[k].exception;
    return out;
  }
  std::vector<std::string> by;
  for (const rt::RuleHit& h : r.rules)
    if (h.effect == r.effect) by.push_back(h.rule);
  if (by.empty()) return out + " (default)";
  out += " by ";
  for (size_t k = 0; k < by.size(); ++k) out += (k ? ", " : "") + by[k];
  if (r.effect == rt::Effect::Review && !r.unknowns.empty())
    out += " (could not decide: " + r.unknowns.front().reason + ")";
  return out;
}

}  // namespace

std::string SemanticDiff::to_text() const {
  if (!ok()) return "error: " + error + "\n";
  std::string out;
  size_t found = 0, unknown = 0;
  for (const EffectChange& c : changes) {
    if (c.status != EffectChange::Status::Found) continue;
    ++found;
    out += std::string(EffectWord(c.from)) + " -> " + EffectWord(c.to) + ": for example, on " +
           c.date + "\n  " + c.witness + "\n  old: " + Summary(c.old_decision) +
           "\n  new: " + Summary(c.new_decision) + "\n";
  }
  for (const EffectChange& c : changes) {
    if (c.status != EffectChange::Status::Unknown) continue;
    ++unknown;
    out += std::string(EffectWord(c.from)) + " -> " + EffectWord(c.to) +
           ": unsettled: " + c.reason + "\n";
  }
  if (found == 0 && unknown == 0)
    return "equivalent: no record on any date is decided differently\n";
  if (found > 0) {
    out += std::to_string(found) + (found == 1 ? " kind of change" : " kinds of change") +
           " found; every other pair of effects proved unchanged";
    if (unknown > 0) out += " or unsettled";
    out += "\n";
  }
  return out;
}

std::string SemanticDiff::to_json() const {
  std::string out = "{\"equivalent\":";
  out += equivalent() ? "true" : "false";
  if (!ok()) {
    out += ",\"error\":" + JsonQuote(error) + "}";
    return out;
  }
  out += ",\"changes\":[";
  bool first = true;
  for (const EffectChange& c : changes) {
    if (!first) out += ',';
    first = false;
    out += "{\"from\":" + JsonQuote(EffectWord(c.from)) + ",\"to\":" + JsonQuote(EffectWord(c.to));
    const char* status = c.status == EffectChange::Status::Found   ? "found"
                         : c.status == EffectChange::Status::Never ? "never"
                                                                   : "unknown";
    out += ",\"status\":" + JsonQuote(status);
    if (c.status == EffectChange::Status::Found) {
      out += ",\"date\":" + JsonQuote(c.date) + ",\"witness\":" + c.witness;
      out += ",\"old\":" + c.old_decision.to_json() + ",\"new\":" + c.new_decision.to_json();
    }
    if (c.status == EffectChange::Status::Unknown) out += ",\"reason\":" + JsonQuote(c.reason);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace licit
