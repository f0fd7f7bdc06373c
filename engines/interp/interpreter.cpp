#include "engines/interp/interpreter.h"

#include <algorithm>
#include <array>
#include <climits>
#include <utility>

#include "base/json.h"
#include "ir/index.h"
#include "core/builtins.h"
#include "core/eval_context.h"

namespace licit::interp {
namespace {

using rt::DecisionEffect;
using rt::Value;
using rt::ValueKind;

constexpr const char* kNoDateError = "no date to judge by: the record has no date and no --as-of";

DecisionEffect ToDecisionEffect(ir::Effect e) {
  switch (e) {
    case ir::Effect::Allow: return DecisionEffect::Allow;
    case ir::Effect::Exempt: return DecisionEffect::Exempt;
    case ir::Effect::Review: return DecisionEffect::Review;
    case ir::Effect::License: return DecisionEffect::License;
    case ir::Effect::Deny: return DecisionEffect::Deny;
  }
  return DecisionEffect::Deny;
}

// Membership of a dated group at a day. (Kept here rather than calling ir::Group::Contains so the
// reference semantics of periods live beside the rest of the interpreter.)
bool GroupContains(const ir::Group& g, CountryId c, DayNumber day) {
  auto it = g.members.find(c);
  if (it == g.members.end()) return false;
  for (const ir::Period& p : it->second)
    if (p.Contains(day)) return true;
  return false;
}

std::string_view SourceOf(const ir::Program& p, Span span) {
  if (!span.valid() || span.file >= p.sources.size()) return {};
  const std::string& text = p.sources[span.file].second;
  if (span.begin > text.size() || span.end > text.size() || span.end < span.begin) return {};
  return std::string_view(text).substr(span.begin, span.end - span.begin);
}

std::string DescribePeriod(const ir::Period& p) {
  std::string s;
  if (p.since != INT32_MIN) s = "from " + FormatDate(p.since);
  if (p.until != INT32_MAX) {
    if (!s.empty()) s += ' ';
    s += "until " + FormatDate(p.until);
  }
  return s;
}

// Per-decision scratch, reused across decisions on one thread so the hot path does not allocate
// once warmed up.
enum class ExcState : uint8_t { NotComputed, NotInForce, Suspended, False, Unknown, Holds };

struct ExcResult {
  ExcState state = ExcState::NotComputed;
  Value value;          // the unknown value (with its reason) when Unknown
  ir::ExprId part = ir::kNone;  // the condition that was false (or `unless` that was true)
  bool unless_true = false;
  ir::SuspensionId suspension = ir::kNone;
};

struct RuleResult {
  Outcome::Kind kind = Outcome::Kind::NotInForce;
  Value unknown;                // when FiredUnknown
  ir::ExprId part = ir::kNone;  // the false part (ScopeFalse, WhenFalse) or true `unless`
  ir::SuspensionId suspension = ir::kNone;
};

// A contribution: what one rule gave.
struct Hit {
  DecisionEffect effect;
  uint32_t policy;
  uint32_t rule;
  bool waived;
};

// The tree-walker's scratch: the evaluation context and the per-decision class cache.
struct EvalScratch {
  rt::EvalContext ctx;
  std::vector<Value> class_values;
  std::vector<uint8_t> class_done;
};

// Decision assembly's scratch (engine-independent).
struct AssemblyScratch {
  std::vector<Hit> hits;
  std::vector<uint8_t> from_default;  // per policy: its default decided
  std::vector<uint8_t> noted;         // per exception: its unknown is already noted
  std::vector<ExcResult> exceptions;
  std::vector<ir::RuleId> candidates;  // the rules the index leaves to judge
};

class Evaluator final : public ConditionEvaluator {
 public:
  Evaluator(const ir::Program& program, const rt::Record& record, EvalScratch& s, DayNumber date)
      : p_(program), record_(record), s_(s), ctx_(s.ctx) {
    ctx_.Reset(&record, date);
    s_.class_values.assign(program.classes.size(), Value());
    s_.class_done.assign(program.classes.size(), 0);
  }

  rt::EvalContext& ctx() override { return ctx_; }
  Value Condition(ir::ExprId id) override { return Eval(id); }

  Value Eval(ir::ExprId id) {
    const ir::Node& n = p_.nodes[id];
    const ir::ExprId* a = p_.args(n);
    switch (n.op) {
      case ir::Op::Const: return p_.constants[n.imm];
      case ir::Op::Field: return ReadField(n.imm);
      case ir::Op::Has: return Value::Bool(Present(n.imm));
      case ir::Op::ClassRef: {
        if (s_.class_done[n.imm] == 0) {
          s_.class_values[n.imm] = Eval(p_.classes[n.imm].predicate);
          s_.class_done[n.imm] = 1;
        }
        return s_.class_values[n.imm];
      }
      case ir::Op::Not: return Negate(Eval(a[0]));
      case ir::Op::And:
      case ir::Op::Or: {
        // Kleene: a deciding operand (false for and, true for or) wins over unknowns.
        const bool decide = n.op == ir::Op::Or;
        Value unknown;
        bool saw_unknown = false;
        for (uint32_t k = 0; k < n.count; ++k) {
          Value v = Eval(a[k]);
          if (!v.known()) {
            if (!saw_unknown) unknown = v;
            saw_unknown = true;
          } else if (v.b == decide) {
            return Value::Bool(decide);
          }
        }
        return saw_unknown ? unknown : Value::Bool(!decide);
      }
      case ir::Op::If: {
        Value c = Eval(a[0]);
        if (!c.known()) return c;
        return Eval(c.b ? a[1] : a[2]);
      }
      case ir::Op::Eq:
      case ir::Op::Ne:
      case ir::Op::Lt:
      case ir::Op::Le:
      case ir::Op::Gt:
      case ir::Op::Ge: {
        Value l = Eval(a[0]), r = Eval(a[1]), out;
        licit_rt_compare(&ctx_, static_cast<uint8_t>(n.op), &l, &r, &out);
        return out;
      }
      case ir::Op::In:
      case ir::Op::NotIn: {
        Value l = Eval(a[0]), r = Eval(a[1]), out;
        licit_rt_in(&ctx_, &l, &r, &out);
        return n.op == ir::Op::NotIn ? Negate(out) : out;
      }
      case ir::Op::InGroup:
      case ir::Op::NotInGroup: {
        Value c = Eval(a[0]);
        if (!c.known()) return c;
        bool in = c.kind == ValueKind::Country && n.imm < p_.groups.size() &&
                  GroupContains(p_.groups[n.imm], c.country, ctx_.date);
        return Value::Bool(n.op == ir::Op::InGroup ? in : !in);
      }
      case ir::Op::Under:
      case ir::Op::NotUnder: {
        Value l = Eval(a[0]), r = Eval(a[1]), out;
        const std::string* path = p_.nodes[a[0]].op == ir::Op::Field
                                      ? &p_.input.slots[p_.nodes[a[0]].imm].path
                                      : nullptr;
        licit_rt_under_named(&ctx_, &l, &r, path ? path->data() : "",
                             path ? static_cast<uint32_t>(path->size()) : 0, &out);
        return n.op == ir::Op::NotUnder ? Negate(out) : out;
      }
      case ir::Op::Matches: {
        Value l = Eval(a[0]), r = Eval(a[1]), out;
        licit_rt_matches(&ctx_, &l, &r, &out);
        return out;
      }
      case ir::Op::Add:
      case ir::Op::Sub:
      case ir::Op::Mul:
      case ir::Op::Div:
      case ir::Op::Mod: {
        Value l = Eval(a[0]), r = Eval(a[1]), out;
        licit_rt_arith(&ctx_, static_cast<uint8_t>(n.op), &l, &r, &out);
        return out;
      }
      case ir::Op::Neg: {
        Value l = Eval(a[0]), out;
        licit_rt_arith(&ctx_, static_cast<uint8_t>(n.op), &l, &l, &out);
        return out;
      }
      case ir::Op::ToDecimal: {
        Value v = Eval(a[0]), out;
        licit_rt_to_decimal(&v, &out);
        return out;
      }
      case ir::Op::ToCode: {
        Value v = Eval(a[0]), out;
        licit_rt_to_code(&ctx_, &v, &out);
        return out;
      }
      case ir::Op::Call: {
        std::array<Value, 4> small;
        std::vector<Value> big;
        Value* args = small.data();
        if (n.count > small.size()) {
          big.resize(n.count);
          args = big.data();
        }
        for (uint32_t k = 0; k < n.count; ++k) args[k] = Eval(a[k]);
        Value out;
        licit_rt_call(&ctx_, static_cast<uint8_t>(n.imm), args, n.count, &out);
        return out;
      }
      case ir::Op::MakeSet:
      case ir::Op::MakeList: {
        std::vector<Value> items(n.count);
        for (uint32_t k = 0; k < n.count; ++k) items[k] = Eval(a[k]);
        Value out;
        licit_rt_make_collection(&ctx_, n.op == ir::Op::MakeSet ? 1 : 0, items.data(), n.count,
                                 &out);
        return out;
      }
    }
    return Value::Bool(false);
  }

  // True when the slot and every enclosing record hold a value.
  bool Present(uint32_t slot) const { return rt::FieldPresent(p_.input, record_.slots(), slot); }

  Value ReadField(uint32_t slot) {
    if (Present(slot)) return record_.slot(slot);
    Value out;
    licit_rt_read_field(&ctx_, &p_.input, slot, &out);
    return out;
  }

  static Value Negate(const Value& v) { return v.known() ? Value::Bool(!v.b) : v; }

 private:
  const ir::Program& p_;
  const rt::Record& record_;
  EvalScratch& s_;
  rt::EvalContext& ctx_;
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

// The rule-level results of one decision, kept for explanations.
struct Judged {
  std::vector<std::vector<RuleResult>> rules;        // [policy][rule]
  std::vector<std::vector<ExcResult>> exceptions;    // [policy][exception]
  std::vector<std::vector<ir::ExceptionId>> waiver;  // [policy][rule]: the waiving exception
};

// The record's id, and the day it is judged at: --as-of, else its date; nullopt (and an error
// decision) when neither exists.
}  // namespace

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

std::optional<DayNumber> PrepareDecision(const ir::Program& program, const rt::Record& record,
                                 const DecideOptions& options, rt::Decision& d) {
  const rt::RecordLayout& layout = program.input;
  if (layout.id_slot >= 0) {
    const Value& id = record.slot(static_cast<uint32_t>(layout.id_slot));
    if (id.kind == ValueKind::String || id.kind == ValueKind::Code) d.id = std::string(id.text());
  }
  std::optional<DayNumber> day = RecordDay(program, record, options);
  d.date = day;
  if (!day && !program.dated) return DayNumber{0};  // nothing dated: any day judges the same
  if (!day) {
    d.effect = DecisionEffect::Error;
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
  if (d.effect == DecisionEffect::License) {
    auto add = [&](const std::string& name) {
      if (std::find(d.licenses.begin(), d.licenses.end(), name) == d.licenses.end())
        d.licenses.push_back(name);
    };
    for (const Hit& h : hits) {
      if (h.effect != DecisionEffect::License) continue;
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
  d.effect = DecisionEffect::Allow;
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
    DecisionEffect policy_effect = DecisionEffect::Allow;
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
      ir::ExceptionId waived_by = ir::kNone;
      for (ir::ExceptionId e : rule.waived_by) {
        if (e >= policy.exceptions.size()) continue;
        if (exception_result(e).state == ExcState::Holds) {
          waived_by = e;
          break;
        }
      }
      DecisionEffect effect;
      if (waived_by != ir::kNone) {
        effect = DecisionEffect::Exempt;
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
          d.unknowns.push_back(rt::UnknownNote{
              policy.exceptions[e].name,
              ReasonOf(ev->ctx(), er.value) + ", so the exception waives nothing"});
        }
        if (rr.kind == Outcome::Kind::Fired) {
          effect = ToDecisionEffect(rule.effect);
        } else {
          effect = DecisionEffect::Review;
          d.unknowns.push_back(rt::UnknownNote{rule.name, ReasonOf(ev->ctx(), rr.unknown)});
        }
      }
      hits.push_back(Hit{effect, pi, ri, waived_by != ir::kNone});
      any = true;
      policy_effect = std::max(policy_effect, effect);
    }
    if (!any) {
      policy_effect = ToDecisionEffect(policy.default_effect);
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

void AssembleDecision(const ir::Program& program, DayNumber day, ConditionEvaluator& ev,
                      rt::Decision& d) {
  thread_local AssemblyScratch scratch;
  Judge(program, day, ev, scratch, nullptr, d);
}

rt::DecisionEffect VerdictEffect(const ir::Program& program, const rt::Verdict& v) {
  DecisionEffect effect = DecisionEffect::Allow;
  for (uint32_t pi = 0; pi < program.policies.size(); ++pi) {
    bool any = false;
    DecisionEffect policy_effect = DecisionEffect::Allow;
    for (uint32_t k = 0; k < v.count; ++k) {
      if (v.hits[k].policy != pi) continue;
      any = true;
      policy_effect = std::max(policy_effect, v.hits[k].effect);
    }
    if (!any) policy_effect = ToDecisionEffect(program.policies[pi].default_effect);
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
  d.effect = DecisionEffect::Allow;
  uint32_t k = 0;
  for (uint32_t pi = 0; pi < program.policies.size(); ++pi) {
    const ir::Policy& policy = program.policies[pi];
    bool any = false;
    DecisionEffect policy_effect = DecisionEffect::Allow;
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
      policy_effect = ToDecisionEffect(policy.default_effect);
      scratch.from_default[pi] = 1;
    }
    d.policies.push_back(rt::PolicyResult{policy.name, policy.version, policy_effect});
    d.effect = std::max(d.effect, policy_effect);
  }
  FinishDecision(program, hits, scratch.from_default, d);
  v.effect = d.effect;
}

namespace {

// --- Explanations ----------------------------------------------------------------------------

class Describer {
 public:
  Describer(const ir::Program& p, Evaluator& ev) : p_(p), ev_(ev) {}

  // Why `id`, which evaluated to `value`, did so: the first deciding sub-condition of an and
  // (or an or), down to a leaf quoted from the source with the field values it saw.
  std::string Why(ir::ExprId id, bool value) {
    const ir::Node& n = p_.nodes[id];
    const ir::ExprId* a = p_.args(n);
    if ((n.op == ir::Op::And && !value) || (n.op == ir::Op::Or && value)) {
      for (uint32_t k = 0; k < n.count; ++k) {
        Value v = ev_.Eval(a[k]);
        if (v.known() && v.b == value) return Why(a[k], value);
      }
    }
    if (n.op == ir::Op::ClassRef && n.imm < p_.classes.size()) {
      const ir::Class& c = p_.classes[n.imm];
      return "class " + c.name + " is " + (value ? "true" : "false") + ": " +
             Why(c.predicate, value);
    }
    std::string text(SourceOf(p_, n.span));
    if (text.empty()) text = "the condition";
    std::vector<uint32_t> slots;
    CollectFields(id, slots);
    if (slots.empty() || n.op == ir::Op::Has) return text + " is " + (value ? "true" : "false");
    text += ": ";
    for (size_t k = 0; k < slots.size(); ++k) {
      if (k > 0) text += ", ";
      text += FieldText(slots[k]);
    }
    return text;
  }

  // A false `to` list reads as the author meant it: "destination in EU: destination = JP".
  std::string Destination(ir::ExprId id) {
    std::string_view list = SourceOf(p_, p_.nodes[id].span);
    std::vector<uint32_t> slots;
    CollectFields(id, slots);
    if (list.empty() || list.starts_with("destination") || slots.size() != 1)
      return Why(id, false);
    return "destination in " + std::string(list) + ": " + FieldText(slots[0]);
  }

  std::string FieldText(uint32_t slot) {
    Value v = ev_.ReadField(slot);
    if (!v.known()) return std::string(ev_.ctx().ReasonText(v));
    std::string text = p_.input.slots[slot].path + " = " + rt::FormatValue(v);
    // Compliance officers read "KZ (Kazakhstan)" more easily than a bare code.
    if (v.kind == ValueKind::Country && v.country < AllCountries().size())
      text += " (" + std::string(AllCountries()[v.country].name) + ")";
    return text;
  }

 private:
  void CollectFields(ir::ExprId id, std::vector<uint32_t>& slots) {
    const ir::Node& n = p_.nodes[id];
    if (n.op == ir::Op::Field) {
      if (std::find(slots.begin(), slots.end(), n.imm) == slots.end()) slots.push_back(n.imm);
      return;
    }
    if (n.op == ir::Op::ClassRef) return;  // a class is described by name, not by its fields
    const ir::ExprId* a = p_.args(n);
    for (uint32_t k = 0; k < n.count; ++k) CollectFields(a[k], slots);
  }

  const ir::Program& p_;
  Evaluator& ev_;
};

std::string SuspensionText(const ir::Suspension& s) {
  std::string text = "suspended " + DescribePeriod(s.period);
  if (s.period.open()) text = "suspended";
  if (s.cite) {
    text += " (" + *s.cite + ")";
  } else if (s.because) {
    text += " (" + *s.because + ")";
  } else if (!s.at.empty()) {
    text += " (" + s.at + ")";
  }
  return text;
}

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
  return "?";
}

}  // namespace

Interpreter::Interpreter(const ir::Program& program) : program_(program) {}

rt::Decision Interpreter::Decide(const rt::Record& record, const DecideOptions& options) const {
  thread_local EvalScratch scratch;
  rt::Decision d;
  std::optional<DayNumber> day = PrepareDecision(program_, record, options, d);
  if (!day) return d;
  Evaluator ev(program_, record, scratch, *day);
  AssembleDecision(program_, *day, ev, d);
  return d;
}

ExpressionValue Interpreter::Evaluate(ir::ExprId id, const rt::Record& record,
                                      const DecideOptions& options) const {
  ExpressionValue out;
  if (id >= program_.nodes.size()) {
    out.text = "unknown";
    out.reason = "no such expression";
    return out;
  }
  EvalScratch scratch;
  Evaluator ev(program_, record, scratch, RecordDay(program_, record, options).value_or(0));
  Value v = ev.Eval(id);
  out.known = v.known();
  out.text = rt::FormatValue(v);
  if (!out.known) out.reason = ReasonOf(ev.ctx(), v);
  return out;
}

Explanation Interpreter::Explain(const rt::Record& record, const DecideOptions& options) const {
  EvalScratch scratch;
  AssemblyScratch assembly;
  Judged judged;
  Explanation e;
  std::optional<DayNumber> day = PrepareDecision(program_, record, options, e.decision);
  if (!day) return e;  // an error decision: nothing was judged
  Evaluator evaluator(program_, record, scratch, *day);
  Evaluator* ev = &evaluator;
  Judge(program_, *day, evaluator, assembly, &judged, e.decision);
  Describer describe(program_, *ev);

  for (uint32_t pi = 0; pi < program_.policies.size(); ++pi) {
    const ir::Policy& policy = program_.policies[pi];
    struct Item {
      Span span;
      bool is_exception;
      uint32_t index;
    };
    std::vector<Item> items;
    for (uint32_t r = 0; r < policy.rules.size(); ++r)
      items.push_back(Item{policy.rules[r].span, false, r});
    for (uint32_t x = 0; x < policy.exceptions.size(); ++x)
      items.push_back(Item{policy.exceptions[x].span, true, x});
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      if (a.span.file != b.span.file) return a.span.file < b.span.file;
      return a.span.begin < b.span.begin;
    });
    for (const Item& item : items) {
      Outcome o;
      o.policy = policy.name;
      o.is_exception = item.is_exception;
      if (!item.is_exception) {
        const ir::Rule& rule = policy.rules[item.index];
        const RuleResult& rr = judged.rules[pi][item.index];
        o.name = rule.name;
        o.at = rule.at;
        o.kind = rr.kind;
        ir::ExceptionId w = judged.waiver[pi][item.index];
        switch (rr.kind) {
          case Outcome::Kind::Fired:
          case Outcome::Kind::FiredUnknown:
            if (w != ir::kNone) {
              const ir::Exception& ex = policy.exceptions[w];
              o.kind = Outcome::Kind::Waived;
              o.detail = "waived by exception " + ex.name + " (" + ex.at + ")";
              if (rr.kind == Outcome::Kind::FiredUnknown)
                o.detail += "; its firing was unknown: " + ReasonOf(ev->ctx(), rr.unknown);
            } else if (rr.kind == Outcome::Kind::Fired) {
              o.detail = std::string("contributes ") +
                         rt::DecisionEffectName(ToDecisionEffect(rule.effect));
              if (rule.effect == ir::Effect::License && rule.license)
                o.detail += " (licence \"" + *rule.license + "\")";
            } else {
              o.detail = ReasonOf(ev->ctx(), rr.unknown) + ", so it contributes review";
            }
            break;
          case Outcome::Kind::NotInForce:
            o.detail = "in force " + DescribePeriod(rule.period);
            break;
          case Outcome::Kind::Suspended:
            o.detail = SuspensionText(policy.suspensions[rr.suspension]);
            break;
          case Outcome::Kind::ScopeFalse:
            o.detail = rr.part == rule.destination ? describe.Destination(rr.part)
                                                   : describe.Why(rr.part, false);
            break;
          case Outcome::Kind::WhenFalse:
            o.detail = describe.Why(rr.part, false);
            break;
          case Outcome::Kind::UnlessTrue:
            o.detail = describe.Why(rr.part, true);
            break;
          default: break;
        }
      } else {
        const ir::Exception& ex = policy.exceptions[item.index];
        const ExcResult& er = judged.exceptions[pi][item.index];
        o.name = ex.name;
        o.at = ex.at;
        switch (er.state) {
          case ExcState::NotComputed:
          case ExcState::NotInForce:
            o.kind = Outcome::Kind::NotInForce;
            o.detail = "in force " + DescribePeriod(ex.period);
            break;
          case ExcState::Suspended:
            o.kind = Outcome::Kind::Suspended;
            o.detail = SuspensionText(policy.suspensions[er.suspension]);
            break;
          case ExcState::False:
            o.kind = Outcome::Kind::DoesNotHold;
            o.detail = (er.unless_true ? "unless " : "") + describe.Why(er.part, er.unless_true);
            break;
          case ExcState::Unknown:
            o.kind = Outcome::Kind::HoldsUnknown;
            o.detail = ReasonOf(ev->ctx(), er.value) + ", so it waives nothing";
            break;
          case ExcState::Holds: {
            o.kind = Outcome::Kind::Holds;
            std::string names;
            for (ir::RuleId r : ex.rules) {
              if (r >= policy.rules.size()) continue;
              if (!names.empty()) names += ", ";
              names += policy.rules[r].name;
            }
            o.detail = "waives " + names;
            break;
          }
        }
      }
      e.outcomes.push_back(std::move(o));
    }
  }
  return e;
}

std::string ExplanationToText(const Explanation& e) {
  const rt::Decision& d = e.decision;
  std::string out = "Decision: ";
  out += rt::DecisionEffectName(d.effect);
  if (d.id) out += " for record " + *d.id;
  if (d.date) out += ", judged at " + FormatDate(*d.date);
  out += '\n';
  if (d.effect == DecisionEffect::Error) {
    out += "  error: " + d.error + '\n';
    return out;
  }
  for (const rt::PolicyResult& p : d.policies) {
    out += "  policy " + p.name;
    if (p.version) out += " (version " + *p.version + ")";
    out += std::string(": ") + rt::DecisionEffectName(p.effect) + '\n';
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

}  // namespace licit::interp
