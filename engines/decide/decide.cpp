#include "engines/decide/decide.h"

#include <algorithm>
#include <array>
#include <climits>
#include <utility>

#include "base/check.h"
#include "base/json.h"
#include "ir/index.h"

namespace licit::decide {
namespace {

using rt::Effect;
using rt::Value;
using rt::ValueKind;

constexpr const char* kNoDateError = "no date to judge by: the record has no date and no --as-of";

// Membership of a dated group at a day. (Kept here rather than calling ir::Group::Contains so the

struct Hit {
  Effect effect;
  uint32_t policy;
  uint32_t rule;
  bool waived;
};

// Decision assembly's scratch (engine-independent).
struct AssemblyScratch {
  std::vector<Hit> hits;
  std::vector<uint8_t> from_default;  // per policy: its default decided
  std::vector<uint8_t> noted;         // per exception: its unknown is already noted
  std::vector<ExcResult> exceptions;
  std::vector<ir::RuleId> candidates;  // the rules the index leaves to judge
};

bool IsFalse(const Value& v) { return v.known() && !v.b; }
bool IsTrue(const Value& v) { return v.known() && v.b; }

const ir::Suspension* FindSuspension(const ir::Policy& policy,
                                     const std::vector<ir::SuspensionId>& ids, DayNumber day,
                                     ir::SuspensionId* which) {
  for (ir::SuspensionId s : ids) {
    if (s < policy.suspensions.size() && policy.suspensions[s].period.Contains(day)) {
      *which = s;
      return &policy.suspensions[s];
    }
  }
  return nullptr;
}

RuleResult JudgeRule(ConditionEvaluator& ev, const ir::Policy& policy, const ir::Rule& rule,
                     DayNumber day) {
  RuleResult r;
  if (!rule.period.Contains(day)) {
    r.kind = Outcome::Kind::NotInForce;
    return r;
  }
  if (FindSuspension(policy, rule.suspensions, day, &r.suspension) != nullptr) {
    r.kind = Outcome::Kind::Suspended;
    return r;
  }
  // firing = scope_class and destination and when and not unless, in Kleene logic: any false
  // part decides; otherwise an unknown part makes the firing unknown.
  bool unknown = false;
  const std::array<std::pair<ir::ExprId, Outcome::Kind>, 3> parts = {{
      {rule.scope_class, Outcome::Kind::ScopeFalse},
      {rule.destination, Outcome::Kind::ScopeFalse},
      {rule.when, Outcome::Kind::WhenFalse},
  }};
  for (const auto& [expr, kind] : parts) {
    if (expr == ir::kNone) continue;
    Value v = ev.Condition(expr);
    if (IsFalse(v)) {
      r.kind = kind;
      r.part = expr;
      return r;
    }
    if (!v.known() && !unknown) {
      unknown = true;
      r.unknown = v;
    }
  }
  if (rule.unless != ir::kNone) {
    Value v = ev.Condition(rule.unless);
    if (IsTrue(v)) {
      r.kind = Outcome::Kind::UnlessTrue;
      r.part = rule.unless;
      return r;
    }
    if (!v.known() && !unknown) {
      unknown = true;
      r.unknown = v;
    }
  }
  r.kind = unknown ? Outcome::Kind::FiredUnknown : Outcome::Kind::Fired;
  return r;
}

ExcResult JudgeException(ConditionEvaluator& ev, const ir::Policy& policy, const ir::Exception& e,
                         DayNumber day) {
  ExcResult r;
  if (!e.period.Contains(day)) {
    r.state = ExcState::NotInForce;
    return r;
  }
  if (FindSuspension(policy, e.suspensions, day, &r.suspension) != nullptr) {
    r.state = ExcState::Suspended;
    return r;
  }
  bool unknown = false;
  if (e.when != ir::kNone) {
    Value v = ev.Condition(e.when);
    if (IsFalse(v)) {
      r.state = ExcState::False;
      r.part = e.when;
      return r;
    }
    if (!v.known()) {
      unknown = true;
      r.value = v;
    }
  }
  if (e.unless != ir::kNone) {
    Value v = ev.Condition(e.unless);
    if (IsTrue(v)) {
      r.state = ExcState::False;
      r.part = e.unless;
      r.unless_true = true;
      return r;
    }
    if (!v.known() && !unknown) {
      unknown = true;
      r.value = v;
    }
  }
  r.state = unknown ? ExcState::Unknown : ExcState::Holds;
  return r;
}

std::string ReasonOf(const rt::EvalContext& ctx, const Value& v) {
  return std::string(ctx.ReasonText(v));
}

// For a rule that fired: each party its conditions screened that matched a list, with the entry.
// The Screen node's operands are field reads (the checker only screens fields), so this reads
// the record again rather than asking the engine, and both engines note the same matches.
void AddMatchNotes(const ir::Program& program, const ir::Rule& rule, rt::EvalContext& ctx,
                   rt::Decision& d) {
  if (ctx.record == nullptr) return;
  for (ir::ExprId id : rule.screens) {
    const ir::Node& n = program.node(id);
    const ir::ExprId* a = program.args(n);
    const ir::Node& name_node = program.node(a[0]);
    if (name_node.op != ir::Op::Field) continue;
    Value name, country;
    licit_rt_read_field(&ctx, &program.input, name_node.imm, &name);
    if (name.kind != ValueKind::String) continue;
    if (n.count > 1 && program.node(a[1]).op == ir::Op::Field) {
      licit_rt_read_field(&ctx, &program.input, program.node(a[1]).imm, &country);
    }
    const rt::ScreenList& list = program.lists[ir::ScreenListOf(n.imm)];
    const screening::Hit& hit =
        rt::ScreenParty(list, name.text(), rt::ScreenCountry(&country), ctx.date);
    if (hit.kind != screening::Hit::Kind::Match || hit.entry == nullptr) continue;
    rt::MatchNote note;
    note.rule = rule.name;
    note.list = list.name;
    const std::string& path = program.input.slots[name_node.imm].path;
    note.party = path.ends_with(".name") ? path.substr(0, path.size() - 5) : path;
    note.name = std::string(name.text());
    note.entry = hit.entry->name;
    note.matched = std::string(hit.matched);
    note.id = hit.entry->id;
    note.row = hit.entry->row;
    note.score = hit.score;
    d.matches.push_back(std::move(note));
  }
}

}  // namespace

std::string DescribePeriod(const ir::Period& p) {
  std::string s;
  if (p.since != INT32_MIN) s = "from " + FormatDate(p.since);
  if (p.until != INT32_MAX) {
    if (!s.empty()) s += ' ';
    s += "until " + FormatDate(p.until);
  }
  return s;
}

std::optional<DayNumber> RecordDay(const ir::Program& program, const rt::Record& record,
                                   const DecideOptions& options) {
  if (options.as_of) return options.as_of;
  const int32_t slot = program.input.date_slot;
  if (slot >= 0 && static_cast<uint32_t>(slot) < record.size()) {
    const Value& v = record.slot(static_cast<uint32_t>(slot));
    if (v.kind == ValueKind::Date) return v.date;
  }
  return std::nullopt;
}

std::optional<std::string_view> RecordId(const ir::Program& program, const rt::Record& record) {
  const int32_t slot = program.input.id_slot;
  if (slot < 0) return std::nullopt;
  const Value& id = record.slot(static_cast<uint32_t>(slot));
  if (id.kind == ValueKind::String || id.kind == ValueKind::Code) return id.text();
  return std::nullopt;
}

std::optional<DayNumber> PrepareDecision(const ir::Program& program, const rt::Record& record,
                                         const DecideOptions& options, rt::Decision& d) {
  if (auto id = RecordId(program, record)) d.id = std::string(*id);
  std::optional<DayNumber> day = RecordDay(program, record, options);
  d.date = day;
  if (!day && !program.dated) return DayNumber{0};  // nothing dated: any day judges the same
  if (!day) {
    d.effect = Effect::Error;
    d.error = kNoDateError;
  }
  return day;
}

namespace {

// The decision's rules (strongest first, then judging order) and licences, from the
// contributions in judging order (policy by policy, rules in source order). Shared by Judge and
// MaterializeVerdict so both render a decision the same way.
void FinishDecision(const ir::Program& program, std::vector<Hit>& hits,
                    const std::vector<uint8_t>& from_default, rt::Decision& d) {
  std::stable_sort(hits.begin(), hits.end(),
                   [](const Hit& a, const Hit& b) { return a.effect > b.effect; });
  d.rules.reserve(hits.size());
  for (const Hit& h : hits) {
    const ir::Policy& policy = program.policies[h.policy];
    const ir::Rule& rule = policy.rules[h.rule];
    rt::RuleHit rh;
    rh.rule = rule.name;
    rh.effect = h.effect;
    // The licence a rule names is part of what it says, whatever it contributed (waived rules
    // and rules whose firing was unknown still show which licence is at stake).
    if (rule.effect == ir::Effect::License) rh.license = rule.license;
    rh.because = rule.because;
    rh.cite = rule.cite;
    rh.at = rule.at;
    rh.policy = policy.name;
    d.rules.push_back(std::move(rh));
  }
  if (d.effect == Effect::License) {
    auto add = [&](const std::string& name) {
      if (std::find(d.licenses.begin(), d.licenses.end(), name) == d.licenses.end())
        d.licenses.push_back(name);
    };
    for (const Hit& h : hits) {
      if (h.effect != Effect::License) continue;
      const ir::Rule& rule = program.policies[h.policy].rules[h.rule];
      add(rule.license.value_or(rule.name));
    }
    // A policy whose `default license "name"` decided also requires that licence.
    for (uint32_t pi = 0; pi < program.policies.size(); ++pi) {
      const ir::Policy& policy = program.policies[pi];
      if (from_default[pi] && policy.default_effect == ir::Effect::License &&
          policy.default_license)
        add(*policy.default_license);
    }
  }
}

// Decides one record at `day`; fills `judged` (every rule and exception evaluated) when
// explaining.
void Judge(const ir::Program& program, DayNumber day_value, ConditionEvaluator& evaluator,
           AssemblyScratch& scratch, Judged* judged, rt::Decision& d) {
  const DayNumber* day = &day_value;
  ConditionEvaluator* ev = &evaluator;

  std::vector<Hit>& hits = scratch.hits;
  hits.clear();
  d.effect = Effect::Allow;
  std::vector<uint8_t>& from_default = scratch.from_default;
  from_default.assign(program.policies.size(), 0);
  if (judged != nullptr) {
    judged->rules.resize(program.policies.size());
    judged->exceptions.resize(program.policies.size());
    judged->waiver.resize(program.policies.size());
  }

  for (uint32_t pi = 0; pi < program.policies.size(); ++pi) {
    const ir::Policy& policy = program.policies[pi];
    scratch.exceptions.assign(policy.exceptions.size(), ExcResult{});
    std::vector<uint8_t>& noted = scratch.noted;
    noted.assign(policy.exceptions.size(), 0);
    auto exception_result = [&](ir::ExceptionId e) -> const ExcResult& {
      ExcResult& slot = scratch.exceptions[e];
      if (slot.state == ExcState::NotComputed)
        slot = JudgeException(*ev, policy, policy.exceptions[e], *day);
      return slot;
    };
    bool any = false;
    Effect policy_effect = Effect::Allow;
    if (judged != nullptr) {
      judged->rules[pi].resize(policy.rules.size());
      judged->waiver[pi].assign(policy.rules.size(), ir::kNone);
    }
    // Deciding (not explaining), only the index's candidates are judged: every other rule has a
    // false condition part, so it does not fire and contributes nothing (ir/index.h).
    const bool indexed = judged == nullptr && pi < program.rule_index.size() &&
                         program.rule_index[pi].indexed > 0 && ev->ctx().record != nullptr;
    if (indexed) ir::RuleCandidates(program, pi, *ev->ctx().record, scratch.candidates);
    const uint32_t rule_count = indexed ? static_cast<uint32_t>(scratch.candidates.size())
                                        : static_cast<uint32_t>(policy.rules.size());
    for (uint32_t k = 0; k < rule_count; ++k) {
      const uint32_t ri = indexed ? scratch.candidates[k] : k;
      const ir::Rule& rule = policy.rules[ri];
      RuleResult rr = JudgeRule(*ev, policy, rule, *day);
      if (judged != nullptr) judged->rules[pi][ri] = rr;
      if (rr.kind != Outcome::Kind::Fired && rr.kind != Outcome::Kind::FiredUnknown) continue;
      if (rr.kind == Outcome::Kind::Fired && !rule.screens.empty()) {
        AddMatchNotes(program, rule, ev->ctx(), d);
      }
      ir::ExceptionId waived_by = ir::kNone;
      for (ir::ExceptionId e : rule.waived_by) {
        if (e >= policy.exceptions.size()) continue;
        if (exception_result(e).state == ExcState::Holds) {
          waived_by = e;
          break;
        }
      }
      Effect effect;
      if (waived_by != ir::kNone) {
        effect = Effect::Exempt;
        const ir::Exception& ex = policy.exceptions[waived_by];
        d.waived.push_back(rt::Waiver{rule.name, ex.name, ex.at});
        if (judged != nullptr) judged->waiver[pi][ri] = waived_by;
      } else {
        // Exceptions whose condition is unknown waive nothing; the decision says so.
        for (ir::ExceptionId e : rule.waived_by) {
          if (e >= policy.exceptions.size() || noted[e]) continue;
          const ExcResult& er = exception_result(e);
          if (er.state != ExcState::Unknown) continue;
          noted[e] = 1;
          d.unknowns.push_back(
              rt::UnknownNote{policy.exceptions[e].name,
                              ReasonOf(ev->ctx(), er.value) + ", so the exception waives nothing"});
        }
        if (rr.kind == Outcome::Kind::Fired) {
          effect = rule.effect;
        } else {
          effect = Effect::Review;
          d.unknowns.push_back(rt::UnknownNote{rule.name, ReasonOf(ev->ctx(), rr.unknown)});
        }
      }
      hits.push_back(Hit{effect, pi, ri, waived_by != ir::kNone});
      any = true;
      policy_effect = std::max(policy_effect, effect);
    }
    if (!any) {
      policy_effect = policy.default_effect;
      from_default[pi] = 1;
    }
    d.policies.push_back(rt::PolicyResult{policy.name, policy.version, policy_effect});
    d.effect = std::max(d.effect, policy_effect);
    if (judged != nullptr) {
      // Explanations show every exception, relevant or not.
      judged->exceptions[pi].resize(policy.exceptions.size());
      for (uint32_t e = 0; e < policy.exceptions.size(); ++e)
        judged->exceptions[pi][e] = exception_result(e);
    }
  }

  FinishDecision(program, hits, from_default, d);
}

}  // namespace

void JudgeAll(const ir::Program& program, DayNumber day, ConditionEvaluator& ev, Judged& judged,
              rt::Decision& d) {
  AssemblyScratch scratch;
  Judge(program, day, ev, scratch, &judged, d);
}

void AssembleDecision(const ir::Program& program, DayNumber day, ConditionEvaluator& ev,
                      rt::Decision& d) {
  thread_local AssemblyScratch scratch;
  Judge(program, day, ev, scratch, nullptr, d);
}

bool VerdictNeedsMatchNotes(const ir::Program& program, const rt::Verdict& v) {
  if (program.lists.empty()) return false;
  for (uint32_t k = 0; k < v.count; ++k) {
    const rt::VerdictHit& h = v.hits[k];
    if (!program.policies[h.policy].rules[h.rule].screens.empty()) return true;
  }
  return false;
}

rt::Effect VerdictEffect(const ir::Program& program, const rt::Verdict& v) {
  Effect effect = Effect::Allow;
  for (uint32_t pi = 0; pi < program.policies.size(); ++pi) {
    bool any = false;
    Effect policy_effect = Effect::Allow;
    for (uint32_t k = 0; k < v.count; ++k) {
      if (v.hits[k].policy != pi) continue;
      any = true;
      policy_effect = std::max(policy_effect, v.hits[k].effect);
    }
    if (!any) policy_effect = program.policies[pi].default_effect;
    effect = std::max(effect, policy_effect);
  }
  return effect;
}

void MaterializeVerdict(const ir::Program& program, rt::Verdict& v, rt::Decision& d) {
  // Judging order (policy, then rule) is the order Judge met the hits in: waivers are listed in
  // it, and rules of equal strength keep it.
  std::sort(v.hits, v.hits + v.count, [](const rt::VerdictHit& a, const rt::VerdictHit& b) {
    return a.policy != b.policy ? a.policy < b.policy : a.rule < b.rule;
  });
  thread_local AssemblyScratch scratch;
  std::vector<Hit>& hits = scratch.hits;
  hits.clear();
  scratch.from_default.assign(program.policies.size(), 0);
  d.effect = Effect::Allow;
  uint32_t k = 0;
  for (uint32_t pi = 0; pi < program.policies.size(); ++pi) {
    const ir::Policy& policy = program.policies[pi];
    bool any = false;
    Effect policy_effect = Effect::Allow;
    for (; k < v.count && v.hits[k].policy == pi; ++k) {
      const rt::VerdictHit& h = v.hits[k];
      const bool waived = h.exception != ir::kNone;
      if (waived) {
        const ir::Exception& ex = policy.exceptions[h.exception];
        d.waived.push_back(rt::Waiver{policy.rules[h.rule].name, ex.name, ex.at});
      }
      hits.push_back(Hit{h.effect, pi, h.rule, waived});
      any = true;
      policy_effect = std::max(policy_effect, h.effect);
    }
    if (!any) {
      policy_effect = policy.default_effect;
      scratch.from_default[pi] = 1;
    }
    d.policies.push_back(rt::PolicyResult{policy.name, policy.version, policy_effect});
    d.effect = std::max(d.effect, policy_effect);
  }
  FinishDecision(program, hits, scratch.from_default, d);
  v.effect = d.effect;
}

namespace {

const char* KindWord(Outcome::Kind k) {
  switch (k) {
    case Outcome::Kind::Fired: return "fired";
    case Outcome::Kind::Waived: return "waived";
    case Outcome::Kind::FiredUnknown: return "unknown";
    case Outcome::Kind::NotInForce: return "not_in_force";
    case Outcome::Kind::Suspended: return "suspended";
    case Outcome::Kind::ScopeFalse: return "scope_false";
    case Outcome::Kind::WhenFalse: return "when_false";
    case Outcome::Kind::UnlessTrue: return "unless_true";
    case Outcome::Kind::Holds: return "holds";
    case Outcome::Kind::DoesNotHold: return "does_not_hold";
    case Outcome::Kind::HoldsUnknown: return "holds_unknown";
  }
  LICIT_UNREACHABLE("an Outcome kind outside the enum");
}

}  // namespace

std::string ExplanationToText(const Explanation& e) {
  const rt::Decision& d = e.decision;
  std::string out = "Decision: ";
  out += rt::EffectName(d.effect);
  if (d.id) out += " for record " + *d.id;
  if (d.date) out += ", judged at " + FormatDate(*d.date);
  out += '\n';
  if (d.effect == Effect::Error) {
    out += "  error: " + d.error + '\n';
    return out;
  }
  for (const rt::PolicyResult& p : d.policies) {
    out += "  policy " + p.name;
    if (p.version) out += " (version " + *p.version + ")";
    out += std::string(": ") + rt::EffectName(p.effect) + '\n';
  }
  if (!d.licenses.empty()) {
    out += "  licences required:";
    for (size_t k = 0; k < d.licenses.size(); ++k) out += (k ? ", " : " ") + d.licenses[k];
    out += '\n';
  }
  for (const rt::Waiver& w : d.waived)
    out += "  waived: " + w.rule + " by exception " + w.exception + '\n';
  for (const rt::UnknownNote& u : d.unknowns)
    out += "  could not decide (" + u.rule + "): " + u.reason + '\n';
  for (const rt::MatchNote& m : d.matches) {
    out += "  listed party (" + m.rule + "): " + m.party + " \"" + m.name + "\" matches \"" +
           m.matched + "\"";
    if (m.matched != m.entry) out += " (an alias of \"" + m.entry + "\")";
    out += " on " + m.list + " row " + std::to_string(m.row);
    if (!m.id.empty()) out += ", id " + m.id;
    out += ", score " + rt::ScoreText(m.score) + '\n';
  }
  const std::string date = d.date ? FormatDate(*d.date) : std::string("that date");
  for (const Outcome& o : e.outcomes) {
    out += '\n';
    out += o.is_exception ? "exception " : "rule ";
    out += o.name + "  (" + o.at + ")\n  ";
    switch (o.kind) {
      case Outcome::Kind::Fired: out += "fired: " + o.detail; break;
      case Outcome::Kind::Waived: out += "fired but " + o.detail + ": contributes exempt"; break;
      case Outcome::Kind::FiredUnknown: out += "could not decide: " + o.detail; break;
      case Outcome::Kind::NotInForce:
        out += "not in force on " + date + " (" + o.detail + ")";
        break;
      case Outcome::Kind::Suspended: out += "not applied on " + date + ": " + o.detail; break;
      case Outcome::Kind::ScopeFalse: out += "does not apply: " + o.detail; break;
      case Outcome::Kind::WhenFalse: out += "condition not met: " + o.detail; break;
      case Outcome::Kind::UnlessTrue: out += "does not apply, unless holds: " + o.detail; break;
      case Outcome::Kind::Holds: out += "holds: " + o.detail; break;
      case Outcome::Kind::DoesNotHold: out += "does not hold: " + o.detail; break;
      case Outcome::Kind::HoldsUnknown: out += "could not decide: " + o.detail; break;
    }
    out += '\n';
  }
  return out;
}

std::string ExplanationToJson(const Explanation& e) {
  std::string out = "{\"decision\":" + rt::DecisionToJson(e.decision) + ",\"outcomes\":[";
  for (size_t k = 0; k < e.outcomes.size(); ++k) {
    const Outcome& o = e.outcomes[k];
    if (k > 0) out.push_back(',');
    out += "{\"policy\":";
    AppendJsonString(out, o.policy);
    out += o.is_exception ? ",\"exception\":" : ",\"rule\":";
    AppendJsonString(out, o.name);
    out += ",\"at\":";
    AppendJsonString(out, o.at);
    out += ",\"outcome\":";
    AppendJsonString(out, KindWord(o.kind));
    out += ",\"detail\":";
    AppendJsonString(out, o.detail);
    out.push_back('}');
  }
  out += "]}";
  return out;
}

}  // namespace licit::decide
