// Decision assembly, shared by every engine (language.md sections 4, 5, 7, 8). Periods,
// suspensions, Kleene firing from a rule's four condition parts, waivers, the effect lattice,
// sorting, licences, unknown notes and defaults live once, here. An engine supplies only a
// ConditionEvaluator: the tri-state value of a condition. So decisions agree across engines by
// construction. On the IR and the core runtime only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decision.h"
#include "core/eval_context.h"
#include "core/record.h"
#include "core/value.h"
#include "core/verdict.h"
#include "ir/ir.h"

namespace licit::decide {

struct DecideOptions {
  std::optional<DayNumber> as_of;  // overrides the record's date for every rule (what-if)
};

// What happened to one rule or exception for one record, for explanations (section 8).
struct Outcome {
  enum class Kind : uint8_t {
    Fired,         // rule fired (unwaived)
    Waived,        // rule fired (or was unknown) and an exception waived it
    FiredUnknown,  // rule's firing was unknown: contributes review
    NotInForce,    // the date is outside the period
    Suspended,     // a suspension covers the date
    ScopeFalse,    // the scope's class or destinations are false
    WhenFalse,
    UnlessTrue,
    Holds,         // exception: its condition holds (it waives the rules listed in `detail`)
    DoesNotHold,   // exception: its condition is false
    HoldsUnknown,  // exception: its condition is unknown, so it waives nothing
  };
  std::string policy;
  std::string name;  // rule or exception name
  bool is_exception = false;
  std::string at;
  Kind kind = Kind::NotInForce;
  // Plain words: "destination in EU: destination = JP", "suspended by ... from ... until ...".
  std::string detail;
};

struct Explanation {
  rt::Decision decision;
  std::vector<Outcome> outcomes;  // every rule and exception of every policy, in source order
};

// Renders an explanation for compliance officers (plain words, locations, no internal names).
std::string ExplanationToText(const Explanation& e);
std::string ExplanationToJson(const Explanation& e);

// --- Decision assembly ---------------------------------------------------------------------
// The tri-state value of a condition (Bool, or Unknown whose reason is in ctx()), from an engine.
class ConditionEvaluator {
 public:
  virtual rt::EvalContext& ctx() = 0;
  // The value of a Bool-kind expression: Value::Bool, or an unknown carrying its reason.
  virtual rt::Value Condition(ir::ExprId id) = 0;

 protected:
  ~ConditionEvaluator() = default;
};

// The day a record is judged at: --as-of, else its `date` field; nullopt when it has neither.
std::optional<DayNumber> RecordDay(const ir::Program& program, const rt::Record& record,
                                   const DecideOptions& options);
// The record's `id` field, echoed in its decision (a string or code), or nullopt.
std::optional<std::string_view> RecordId(const ir::Program& program, const rt::Record& record);
// The record's id and the day it is judged at (--as-of, else its date) into `d`; nullopt, with
// `d` an error decision, when there is no date.
std::optional<DayNumber> PrepareDecision(const ir::Program& program, const rt::Record& record,
                                         const DecideOptions& options, rt::Decision& d);
// Decides at `day`, asking `ev` (already reset for the record and day) for conditions.
void AssembleDecision(const ir::Program& program, DayNumber day, ConditionEvaluator& ev,
                      rt::Decision& d);

// Whether a compact decision has a rule that screened parties (ir::Rule::screens): its full
// decision names the entries matched (rt::MatchNote), which a verdict does not carry, so an
// engine's fast path leaves such records to the full path.
bool VerdictNeedsMatchNotes(const ir::Program& program, const rt::Verdict& v);

// The effect of a compact decision (core/verdict.h): each policy's strongest contribution, or
// its default when nothing contributed; the strongest of those. Builds no strings.
rt::Effect VerdictEffect(const ir::Program& program, const rt::Verdict& v);
// The full decision from a compact one, as AssembleDecision would have written it for a record
// with no unknowns: policies, waivers, rules (strongest first, then source order), licences.
// `d` already holds the id and date (PrepareDecision). Sorts v's hits into judging order.
void MaterializeVerdict(const ir::Program& program, rt::Verdict& v, rt::Decision& d);

// A whole engine as its users see it; the interpreter and the JIT are both one. The JIT is given
// one (the interpreter) for its full path on programs too large for generated full-path code, so
// it need not link the interpreter.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual rt::Decision Decide(const rt::Record& record,
                              const DecideOptions& options = {}) const = 0;
};

// --- Judging every rule, for explanations -------------------------------------------------
// What AssembleDecision finds out about each rule and exception, kept whole so an engine that
// explains (the interpreter) can describe each one without judging it again.

enum class ExcState : uint8_t { NotComputed, NotInForce, Suspended, False, Unknown, Holds };

struct ExcResult {
  ExcState state = ExcState::NotComputed;
  rt::Value value;              // the unknown value (with its reason) when Unknown
  ir::ExprId part = ir::kNone;  // the condition that was false (or `unless` that was true)
  bool unless_true = false;
  ir::SuspensionId suspension = ir::kNone;
};

struct RuleResult {
  Outcome::Kind kind = Outcome::Kind::NotInForce;
  rt::Value unknown;            // when FiredUnknown
  ir::ExprId part = ir::kNone;  // the false part (ScopeFalse, WhenFalse) or true `unless`
  ir::SuspensionId suspension = ir::kNone;
};

// The rule-level results of one decision.
struct Judged {
  std::vector<std::vector<RuleResult>> rules;        // [policy][rule]
  std::vector<std::vector<ExcResult>> exceptions;    // [policy][exception]
  std::vector<std::vector<ir::ExceptionId>> waiver;  // [policy][rule]: the waiving exception
};

// AssembleDecision judging every rule and exception (not only the rule index's candidates) and
// keeping each result in `judged`. The decision `d` is the same.
void JudgeAll(const ir::Program& program, DayNumber day, ConditionEvaluator& ev, Judged& judged,
              rt::Decision& d);

// "from 2026-01-01 until 2026-11-09", as explanations print a period.
std::string DescribePeriod(const ir::Period& p);

}  // namespace licit::decide
