// The reference engine: a tree-walking interpreter over ir::Program (language.md sections 4, 5,
// 7). Its decisions define Licit's semantics; the JIT must match them exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "core/decision.h"
#include "core/eval_context.h"
#include "core/record.h"
#include "core/verdict.h"

namespace licit::interp {

struct DecideOptions {
  std::optional<DayNumber> as_of;  // overrides the record's date for every rule (what-if)
};

// What happened to one rule or exception for one record, for explanations (section 8).
struct Outcome {
  enum class Kind : uint8_t {
    Fired,          // rule fired (unwaived)
    Waived,         // rule fired (or was unknown) and an exception waived it
    FiredUnknown,   // rule's firing was unknown: contributes review
    NotInForce,     // the date is outside the period
    Suspended,      // a suspension covers the date
    ScopeFalse,     // the scope's class or destinations are false
    WhenFalse,
    UnlessTrue,
    Holds,          // exception: its condition holds (it waives the rules listed in `detail`)
    DoesNotHold,    // exception: its condition is false
    HoldsUnknown,   // exception: its condition is unknown, so it waives nothing
  };
  std::string policy;
  std::string name;     // rule or exception name
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

// --- Decision assembly, shared by every engine ---------------------------------------------
// Periods, suspensions, Kleene firing from a rule's four condition parts, waivers, the lattice,
// sorting, licences, unknown notes and defaults live once, in AssembleDecision. An engine
// supplies only a ConditionEvaluator: the tri-state value of a condition (Bool, or Unknown whose
// reason is in ctx()). So decisions agree across engines by construction.
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
// The record's id and the day it is judged at (--as-of, else its date) into `d`; nullopt, with
// `d` an error decision, when there is no date.
std::optional<DayNumber> PrepareDecision(const ir::Program& program, const rt::Record& record,
                                         const DecideOptions& options, rt::Decision& d);
// Decides at `day`, asking `ev` (already reset for the record and day) for conditions.
void AssembleDecision(const ir::Program& program, DayNumber day, ConditionEvaluator& ev,
                      rt::Decision& d);

// The effect of a compact decision (runtime/verdict.h): each policy's strongest contribution, or
// its default when nothing contributed; the strongest of those. Builds no strings.
rt::DecisionEffect VerdictEffect(const ir::Program& program, const rt::Verdict& v);
// The full decision from a compact one, as AssembleDecision would have written it for a record
// with no unknowns: policies, waivers, rules (strongest first, then source order), licences.
// `d` already holds the id and date (PrepareDecision). Sorts v's hits into judging order.
void MaterializeVerdict(const ir::Program& program, rt::Verdict& v, rt::Decision& d);

// The value of one expression for one record (the REPL), rendered as Licit source writes values
// (rt::FormatValue), with the reason in plain words when it is unknown.
struct ExpressionValue {
  bool known = false;
  std::string text;    // "JP", "\"military\"", "{\"a\", \"b\"}", "unknown"
  std::string reason;  // when unknown: "end_user.kind is missing"
};

class Interpreter {
 public:
  // The program must outlive the interpreter. Thread-safe: Decide may run on many threads.
  explicit Interpreter(const ir::Program& program);

  rt::Decision Decide(const rt::Record& record, const DecideOptions& options = {}) const;
  Explanation Explain(const rt::Record& record, const DecideOptions& options = {}) const;
  // Evaluates expression `id` of the program for `record` (laid out as the program's input) at
  // the day RecordDay gives (day 0 when the record has no date and no as_of is given).
  ExpressionValue Evaluate(ir::ExprId id, const rt::Record& record,
                           const DecideOptions& options = {}) const;

 private:
  const ir::Program& program_;
};

}  // namespace licit::interp
