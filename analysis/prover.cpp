#include "analysis/prover.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "base/date.h"
#include "base/iso_codes.h"
#include "base/json.h"

namespace licit::analysis {
namespace {

// A model's integer as an __int128 (values past it cannot occur: WellFormed bounds them).
__int128 IntegerOf(const z3::expr& v) {
  std::string text = Z3_get_numeral_string(v.ctx(), v);
  bool negative = !text.empty() && text[0] == '-';
  __int128 r = 0;
  for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') break;
    r = r * 10 + (text[i] - '0');
  }
  return negative ? -r : r;
}

}  // namespace

Prover::Prover(const std::vector<const ir::Program*>& programs, const ProverOptions& options)
    : options_(options), base_(ctx_), readable_(ctx_) {
  vars_ = std::make_unique<RecordVars>(ctx_, programs.front()->input, programs);
  for (size_t i = 0; i < programs.size(); ++i)
    encoders_.push_back(std::make_unique<Encoder>(
        *vars_, *programs[i], programs.size() > 1 ? (i == 0 ? "old " : "new ") : ""));
  base_ = vars_->WellFormed(options.as_of);
  if (options.between) {
    const z3::expr& day = vars_->day();
    base_.push_back(day >= options.between->since && day <= options.between->until);
  }
  readable_ = vars_->Readable();
}

// Each query gets a solver of its own holding only what it mentions (and the record's
// well-formedness): far faster than one solver holding every rule, whose per-check cost grows
// with the policy.
z3::solver Prover::Solver() {
  z3::solver s(ctx_);
  z3::params p(ctx_);
  p.set("timeout", options_.timeout_ms);
  s.set(p);
  s.add(base_);
  return s;
}

Answer Prover::Check(const z3::expr& query, z3::model* model, std::string* reason) {
  // One solver holding only the record's well-formedness; each question pushed and popped, so
  // it holds nothing of the other questions (a solver holding every rule's formulas costs per
  // check in proportion to the policy).
  if (!local_) local_.emplace(Solver());
  local_->push();
  local_->add(query);
  Answer answer = Run(*local_, z3::expr_vector(ctx_), query, model, reason);
  local_->pop();
  return answer;
}

Answer Prover::CheckShared(const z3::expr& query, z3::model* model, std::string* reason) {
  if (!shared_) shared_.emplace(Solver());
  // Switched on for this check, then off for good (so the solver can forget it).
  z3::expr on = ctx_.bool_const(("question " + std::to_string(shared_queries_++)).c_str());
  shared_->add(z3::implies(on, query));
  z3::expr_vector assume(ctx_);
  assume.push_back(on);
  Answer answer = Run(*shared_, assume, query, model, reason);
  shared_->add(!on);
  return answer;
}

Answer Prover::Run(z3::solver& solver, const z3::expr_vector& assumptions, const z3::expr& query,
                   z3::model* model, std::string* reason) {
  static const bool trace = std::getenv("LICIT_ANALYSIS_TRACE") != nullptr;
  const auto start = std::chrono::steady_clock::now();
  // When a witness is wanted, readable values first (a record people can read); without them
  // only if that fails. A yes-or-no question needs one check.
  // (A copy of a z3::expr_vector shares its elements: each check gets a vector of its own.)
  auto with = [&](bool readable) {
    z3::expr_vector v(ctx_);
    for (unsigned k = 0; k < assumptions.size(); ++k) v.push_back(assumptions[k]);
    if (readable) v.push_back(readable_);
    return v;
  };
  z3::check_result r = z3::unknown;
  std::string failure;
  try {
    if (model != nullptr) {
      z3::expr_vector assume = with(true);
      r = solver.check(assume);
    }
    if (r != z3::sat) {
      z3::expr_vector assume = with(false);
      r = solver.check(assume);
    }
  } catch (const z3::exception& e) {
    r = z3::unknown;
    failure = e.msg();
  }
  Answer answer = r == z3::sat ? Answer::Sat : r == z3::unsat ? Answer::Unsat : Answer::Unknown;
  if (answer == Answer::Sat && model != nullptr) *model = solver.get_model();
  if (answer == Answer::Unknown && reason != nullptr) {
    std::string why = failure.empty() ? solver.reason_unknown() : failure;
    *reason = why == "timeout" || why == "canceled"
                  ? "the solver gave up after " + std::to_string(options_.timeout_ms) + " ms"
                  : "the solver could not decide (" + why + ")";
  }
  if (trace) {
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "analysis: %s in %.1f ms: %.200s\n",
                 answer == Answer::Sat     ? "sat"
                 : answer == Answer::Unsat ? "unsat"
                                           : "unknown",
                 ms, query.to_string().c_str());
  }
  return answer;
}

Answer Prover::CheckCore(const std::vector<z3::expr>& parts, std::vector<size_t>* core,
                         std::string* reason) {
  z3::solver solver = Solver();
  z3::expr_vector assume(ctx_);
  for (size_t i = 0; i < parts.size(); ++i) {
    z3::expr tracker = ctx_.bool_const(("part " + std::to_string(i)).c_str());
    solver.add(z3::implies(tracker, parts[i]));
    assume.push_back(tracker);
  }
  z3::check_result r = solver.check(assume);
  Answer answer = r == z3::sat ? Answer::Sat : r == z3::unsat ? Answer::Unsat : Answer::Unknown;
  if (answer == Answer::Unsat && core != nullptr) {
    z3::expr_vector c = solver.unsat_core();
    for (unsigned k = 0; k < c.size(); ++k) {
      std::string name = c[k].decl().name().str();
      core->push_back(static_cast<size_t>(std::stoul(name.substr(5))));
    }
    std::sort(core->begin(), core->end());
  }
  if (answer == Answer::Unknown && reason != nullptr) *reason = solver.reason_unknown();
  return answer;
}

DayNumber Prover::WitnessDay(const z3::model& model) const {
  return static_cast<DayNumber>(IntegerOf(model.eval(vars_->day(), true)));
}

std::string Prover::WitnessJson(const z3::model& m) const {
  const rt::RecordLayout& layout = vars_->layout();
  auto is_true = [&](const z3::expr& e) { return m.eval(e, true).is_true(); };
  std::function<void(const std::vector<uint32_t>&, std::string&)> object;
  auto value = [&](uint32_t s, std::string& out) {
    const rt::FieldSlot& slot = layout.slots[s];
    const z3::expr& v = vars_->value(s);
    switch (slot.kind) {
      case rt::ValueKind::Bool: out += is_true(v) ? "true" : "false"; break;
      case rt::ValueKind::Int: out += IntegerText(IntegerOf(m.eval(v, true))); break;
      case rt::ValueKind::Decimal: {
        rt::Decimal d;
        d.units = IntegerOf(m.eval(v, true));
        out += d.ToString();
        break;
      }
      case rt::ValueKind::Money: {
        rt::Money money;
        money.amount.units = IntegerOf(m.eval(v, true));
        money.currency = static_cast<rt::CurrencyId>(IntegerOf(m.eval(vars_->currency(s), true)));
        AppendJsonString(out, money.ToString());
        break;
      }
      case rt::ValueKind::Date:
        AppendJsonString(out, FormatDate(static_cast<DayNumber>(IntegerOf(m.eval(v, true)))));
        break;
      case rt::ValueKind::Country: {
        auto id = static_cast<size_t>(IntegerOf(m.eval(v, true)));
        AppendJsonString(out, id < AllCountries().size() ? AllCountries()[id].code : "JP");
        break;
      }
      case rt::ValueKind::String:
      case rt::ValueKind::Code: {
        const TextSlot& text = vars_->text(s);
        std::string t;
        if (text.abstract) {
          auto i = static_cast<size_t>(IntegerOf(m.eval(v, true)));
          t = i < text.values.size() ? text.values[i] : std::string();
        } else {
          t = BytesOf(m.eval(v, true));
        }
        AppendJsonString(out, t);
        break;
      }
      case rt::ValueKind::Set:
      case rt::ValueKind::List: {
        out += '[';
        bool first = true;
        for (const auto& [key, flag] : vars_->members(s)) {
          if (!is_true(flag)) continue;
          if (!first) out += ',';
          first = false;
          out += key;
        }
        out += ']';
        break;
      }
      case rt::ValueKind::Record: object(slot.children, out); break;
      default: out += "null"; break;
    }
  };
  object = [&](const std::vector<uint32_t>& slots, std::string& out) {
    out += '{';
    bool first = true;
    for (uint32_t s : slots) {
      if (!is_true(vars_->present(s))) continue;
      if (!first) out += ',';
      first = false;
      AppendJsonString(out, layout.slots[s].name);
      out += ':';
      value(s, out);
    }
    out += '}';
  };
  std::string out;
  object(layout.top_level, out);
  return out;
}

std::string ApproximatedText(const Encoder& encoder) {
  std::string out;
  for (const std::string& what : encoder.approximated()) {
    if (!out.empty()) out += ", ";
    out += what;
  }
  return out;
}

}  // namespace licit::analysis
