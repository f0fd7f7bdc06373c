#include "engines/interp/interpreter.h"

#include <algorithm>
#include <array>
#include <climits>
#include <utility>

#include "core/builtins.h"
#include "core/eval_context.h"

namespace licit::interp {
namespace {

using rt::Effect;
using rt::Value;
using rt::ValueKind;

using decide::ConditionEvaluator;
using decide::DecideOptions;
using decide::ExcState;
using decide::Explanation;
using decide::Outcome;

// Membership of a dated group at a day. (Kept here rather than calling ir::Group::Contains so the
// reference semantics of periods live beside the rest of the interpreter.)
bool GroupContains(const ir::Group& g, CountryId c, DayNumber day) {
  auto it = g.members.find(c);
  if (it == g.members.end()) return false;
  for (const ir::Period& p : it->second)
    if (p.Contains(day)) return true;
  return false;
}

// The tree-walker's scratch: the evaluation context and the per-decision class cache.
struct EvalScratch {
  rt::EvalContext ctx;
  std::vector<Value> class_values;
  std::vector<uint8_t> class_done;
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
        const std::string* path =
            p_.nodes[a[0]].op == ir::Op::Field ? &p_.input.slots[p_.nodes[a[0]].imm].path : nullptr;
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
      case ir::Op::Screen: {
        Value name = Eval(a[0]), out;
        Value country = n.count > 1 ? Eval(a[1]) : Value();
        licit_rt_screen(&ctx_, &p_.lists[ir::ScreenListOf(n.imm)],
                        static_cast<uint8_t>(ir::ScreenPartOf(n.imm)), &name,
                        n.count > 1 ? &country : nullptr, &out);
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

std::string ReasonOf(const rt::EvalContext& ctx, const Value& v) {
  return std::string(ctx.ReasonText(v));
}

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
    std::string text(p_.SourceText(n.span));
    if (text.empty()) text = "the condition";
    if (n.op == ir::Op::Screen) return text + ": " + Screening(n);
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
    std::string_view list = p_.SourceText(p_.nodes[id].span);
    std::vector<uint32_t> slots;
    CollectFields(id, slots);
    if (list.empty() || list.starts_with("destination") || slots.size() != 1) return Why(id, false);
    return "destination in " + std::string(list) + ": " + FieldText(slots[0]);
  }

  // What screening the party of Screen node `n` found (the name's reason when it is unknown).
  std::string Screening(const ir::Node& n) {
    const ir::ExprId* a = p_.args(n);
    Value name = ev_.Eval(a[0]);
    if (!name.known()) return std::string(ev_.ctx().ReasonText(name));
    Value country = n.count > 1 ? ev_.Eval(a[1]) : Value();
    return rt::DescribeScreen(name.text(), rt::ScreenCountry(&country), ev_.ctx().date,
                              p_.lists[ir::ScreenListOf(n.imm)]);
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
  std::string text = "suspended " + decide::DescribePeriod(s.period);
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

}  // namespace

Interpreter::Interpreter(const ir::Program& program) : program_(program) {}

rt::Decision Interpreter::Decide(const rt::Record& record, const DecideOptions& options) const {
  thread_local EvalScratch scratch;
  rt::Decision d;
  std::optional<DayNumber> day = decide::PrepareDecision(program_, record, options, d);
  if (!day) return d;
  Evaluator ev(program_, record, scratch, *day);
  decide::AssembleDecision(program_, *day, ev, d);
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
  Evaluator ev(program_, record, scratch, decide::RecordDay(program_, record, options).value_or(0));
  Value v = ev.Eval(id);
  out.known = v.known();
  out.text = rt::FormatValue(v);
  if (!out.known) out.reason = ReasonOf(ev.ctx(), v);
  const ir::Node& n = program_.nodes[id];
  if (n.op == ir::Op::Screen && ir::ScreenPartOf(n.imm) == ir::ScreenPart::Matches) {
    const ir::ExprId* a = program_.args(n);
    Value name = ev.Eval(a[0]);
    Value country = n.count > 1 ? ev.Eval(a[1]) : Value();
    if (name.known()) {
      out.note = rt::DescribeScreen(name.text(), rt::ScreenCountry(&country), ev.ctx().date,
                                    program_.lists[ir::ScreenListOf(n.imm)]);
    }
  }
  return out;
}

Explanation Interpreter::Explain(const rt::Record& record, const DecideOptions& options) const {
  EvalScratch scratch;
  decide::Judged judged;
  Explanation e;
  std::optional<DayNumber> day = decide::PrepareDecision(program_, record, options, e.decision);
  if (!day) return e;  // an error decision: nothing was judged
  Evaluator evaluator(program_, record, scratch, *day);
  Evaluator* ev = &evaluator;
  decide::JudgeAll(program_, *day, evaluator, judged, e.decision);
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
        const decide::RuleResult& rr = judged.rules[pi][item.index];
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
              o.detail = std::string("contributes ") + rt::EffectName(rule.effect);
              if (rule.effect == ir::Effect::License && rule.license)
                o.detail += " (licence \"" + *rule.license + "\")";
              // The parties it screened, with the entries they resemble.
              for (ir::ExprId s : rule.screens) o.detail += "; " + describe.Why(s, true);
            } else {
              o.detail = ReasonOf(ev->ctx(), rr.unknown) + ", so it contributes review";
            }
            break;
          case Outcome::Kind::NotInForce:
            o.detail = "in force " + decide::DescribePeriod(rule.period);
            break;
          case Outcome::Kind::Suspended:
            o.detail = SuspensionText(policy.suspensions[rr.suspension]);
            break;
          case Outcome::Kind::ScopeFalse:
            o.detail = rr.part == rule.destination ? describe.Destination(rr.part)
                                                   : describe.Why(rr.part, false);
            break;
          case Outcome::Kind::WhenFalse: o.detail = describe.Why(rr.part, false); break;
          case Outcome::Kind::UnlessTrue: o.detail = describe.Why(rr.part, true); break;
          default: break;
        }
      } else {
        const ir::Exception& ex = policy.exceptions[item.index];
        const decide::ExcResult& er = judged.exceptions[pi][item.index];
        o.name = ex.name;
        o.at = ex.at;
        switch (er.state) {
          case ExcState::NotComputed:
          case ExcState::NotInForce:
            o.kind = Outcome::Kind::NotInForce;
            o.detail = "in force " + decide::DescribePeriod(ex.period);
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

}  // namespace licit::interp
