// The IR as formulas for the SMT solver z3 (authoring.md sections 3 and 4): one encoding that
// `licit analyze` and `licit diff` both query. A record and the day it is judged at become solver
// variables; every expression becomes a Kleene pair (known, value), exactly as the engines
// evaluate it (engines/interp, core/builtins.cpp); rules, exceptions, periods, suspensions, dated
// groups, waivers, defaults and the effect lattice become the decision's effect as an integer.
//
// Exact where it matters, over-approximate elsewhere, never wrong: an expression the encoding
// does not model (lower(), year(), division, a set compared with a set, ...) becomes a fresh
// unconstrained pair, which can take every value the real one can and more. So "no record can do
// X" (an unsatisfiable query) stays a proof, and "this record does X" (a model) is only believed
// once both engines decide the witness record that way (analysis/prover.h, DecideWitness).
// Encoder::approximated() says which constructs were approximated, for "could not settle".
//
// The record's fields by type (RecordVars): presence flags per slot (a required field is present
// whenever its record is), bools, integers within int64, decimals and money as integers of 10^-18
// units (money with a currency id), dates and countries as integers, strings and codes either as
// an index into classes of values (when every use is `==`, `in` or `under` against constants, so
// only finitely many classes can be told apart: TextSlot, CodeClasses) or as z3 strings of bytes
// (valid UTF-8; codes as the readers accept them) where `matches`, prefixes or orderings look
// inside them; sets and lists as one flag per constant element the policies test for.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <z3++.h>

#include "core/record.h"
#include "core/value.h"
#include "ir/ir.h"

namespace licit::analysis {

// Effects as solver integers: rt::Effect's order (Allow 0 ... Deny 4), so `>` is the lattice.
inline int EffectNumber(rt::Effect e) { return static_cast<int>(e); }

// A string or code field: how it is represented. When every use compares it with constants
// (`==`, `in`) or tests it `under` constant patterns, only finitely many classes of values can be
// told apart: the field is an index into one representative value per class (`values`), and each
// test is evaluated on the representatives by the runtime itself (CodeClasses). Otherwise it is a
// z3 string.
struct TextSlot {
  bool abstract = false;
  std::vector<std::string> values;  // abstract: one value per class, each class once
};

// Representative codes for the classes that `==` against `constants` and `under` against
// `patterns` can tell apart (core/builtins.cpp's semantics): every constant and pattern, each
// pattern's segment and digit prefixes, each of those extended by a segment or digit no pattern
// has, and a value equal to none. Kept one per distinct outcome vector. `code`: upper-case
// values (a code field) rather than strings. Unit-tested against the runtime on random codes.
std::vector<std::string> CodeClasses(const std::vector<std::string>& constants,
                                     const std::vector<std::string>& patterns, bool code,
                                     bool is_id);

// The record and the judging day as solver variables, shared by every program encoded over one
// record layout (a diff encodes two programs over the same variables).
class RecordVars {
 public:
  // `programs`: every program that will be encoded over these variables (their uses of each
  // string field decide its representation). All must have `layout` as input.
  RecordVars(z3::context& ctx, const rt::RecordLayout& layout,
             const std::vector<const ir::Program*>& programs);

  z3::context& ctx() const { return ctx_; }
  const rt::RecordLayout& layout() const { return layout_; }
  // Whether the slot reads as a value: it and every enclosing record present.
  const z3::expr& present(uint32_t slot) const { return present_[slot]; }
  // The slot's value (meaningful when present): Bool, Int or String by kind; money's amount.
  const z3::expr& value(uint32_t slot) const { return value_[slot]; }
  const z3::expr& currency(uint32_t slot) const { return currency_[slot]; }  // money only
  const TextSlot& text(uint32_t slot) const { return text_[slot]; }
  // A set or list field: whether it holds `element` (a constant's canonical text); created on
  // first use.
  z3::expr member(uint32_t slot, const std::string& element);
  const std::map<std::string, z3::expr>& members(uint32_t slot) const { return members_[slot]; }
  // The day each decision is judged at.
  const z3::expr& day() const { return day_; }
  // What every real record satisfies (value ranges, UTF-8, upper-case codes, the date field
  // equal to the judging day unless `as_of`).
  z3::expr_vector WellFormed(std::optional<DayNumber> as_of) const;
  // Prefers readable witnesses (printable ASCII strings of modest length): assumed first, and
  // dropped when the query needs other strings.
  z3::expr Readable() const;
  // The (known, value) pair standing for a screening result that is not modelled: one pair per
  // `key` (the list's contents, the party's fields and the part), so every program encoded over
  // these variables that screens the same party against the same list gets the same value, and
  // comparing two policies does not invent differences between identical screens.
  std::pair<z3::expr, z3::expr> screen(const std::string& key, rt::ValueKind kind);

 private:
  z3::context& ctx_;
  const rt::RecordLayout& layout_;
  std::vector<z3::expr> present_, value_, currency_;
  std::vector<TextSlot> text_;
  std::vector<std::map<std::string, z3::expr>> members_;
  std::map<std::string, std::pair<z3::expr, z3::expr>> screens_;
  z3::expr day_;
};

// A Kleene value: when `known` holds, `value` (and `currency`, for money) is the result; when it
// does not, the engines give an unknown (review). Collections are either constant items or a
// set/list field.
struct Term {
  rt::ValueKind kind = rt::ValueKind::Bool;
  z3::expr known, value, currency;
  std::optional<std::string> literal;   // a constant text (codes upper-cased)
  const rt::Value* constant = nullptr;  // the IR constant this term is, if it is one
  int32_t text_slot = -1;               // a text field represented as an index (RecordVars::text)
  bool collection = false;
  std::vector<Term> items;  // a collection built from these elements (constants, MakeSet)
  int32_t field_slot = -1;  // a collection that is this set or list field
  bool opaque = false;      // a collection the encoding cannot look into

  explicit Term(z3::context& c) : known(c), value(c), currency(c) {}
};

// The parts of one rule as formulas (decide.cpp's JudgeRule).
struct RuleTerms {
  z3::expr in_force;           // period and no suspension covers the day
  z3::expr fires;              // in force and no part false: fired or fired with an unknown
  z3::expr fires_known;        // fired with every part known
  z3::expr waived;             // an exception listing it holds
  z3::expr contributes;        // fires and not waived (its effect, or review when unknown)
  bool may_be_unknown = true;  // false when every part is always known (no field can be missing)
  // The condition parts without the period: each "not false" (Kleene), for unsat cores.
  std::vector<std::pair<std::string, z3::expr>> parts;  // ("when", ...), with source text below
  std::vector<std::string> part_text;
  explicit RuleTerms(z3::context& c)
      : in_force(c), fires(c), fires_known(c), waived(c), contributes(c) {}
};

struct ExceptionTerms {
  z3::expr holds;  // in force, not suspended, condition known true
  explicit ExceptionTerms(z3::context& c) : holds(c) {}
};

// One program encoded over RecordVars.
class Encoder {
 public:
  // `prefix` names the free variables of this program's approximations ("old ", "new ").
  Encoder(RecordVars& vars, const ir::Program& program, std::string prefix);

  const ir::Program& program() const { return program_; }
  // Every rule and exception of every policy, [policy][index].
  const std::vector<std::vector<RuleTerms>>& rules() const { return rules_; }
  const std::vector<std::vector<ExceptionTerms>>& exceptions() const { return exceptions_; }
  // Each policy's effect, and the decision's (the strongest), as integers (EffectNumber).
  const std::vector<z3::expr>& policy_effects() const { return policy_effects_; }
  const z3::expr& effect() const { return effect_; }
  // The decision's effect with one rule taken out: `removed` selects the rule (an integer
  // variable; policy p's rule r is number RuleNumber(p, r)). For "rule never matters".
  z3::expr EffectWithout(const z3::expr& removed);
  uint32_t RuleNumber(uint32_t policy, uint32_t rule) const { return rule_base_[policy] + rule; }
  // The input slots an expression reads (through classes), and whether a rule reads them.
  std::set<uint32_t> SlotsOf(ir::ExprId id) const;
  std::set<uint32_t> SlotsOfRule(uint32_t policy, uint32_t rule) const;
  // The constructs encoded as unconstrained values, in words ("lower()", "division"); empty
  // when the encoding is exact.
  const std::set<std::string>& approximated() const { return approximated_; }

  Term Encode(ir::ExprId id);  // memoized; EncodeNode does the work

 private:
  Term EncodeNode(ir::ExprId id);
  Term Free(rt::ValueKind kind, const std::string& what);
  Term Const(const rt::Value& v);
  Term Compare(ir::Op op, const Term& l, const Term& r);
  Term Membership(const Term& element, const Term& collection, const char* what);
  Term Under(const Term& code, const Term& pattern);
  // `under` on a field represented by classes: the runtime judges each class's value.
  Term UnderClasses(const Term& code, const std::vector<const Term*>& patterns);
  Term Matches(const Term& subject, const Term& glob);
  Term Arith(ir::Op op, const Term& l, const Term& r, rt::ValueKind kind);
  Term Call(rt::Builtin b, const std::vector<Term>& args, rt::ValueKind kind);
  // Equality of two known values (the runtime's LooseEqual); nullopt when it cannot be encoded.
  std::optional<z3::expr> Equal(const Term& a, const Term& b);
  void EncodeDecision();

  RecordVars& vars_;
  z3::context& ctx_;
  const ir::Program& program_;
  std::string prefix_;
  std::vector<std::optional<Term>> memo_;
  std::vector<std::vector<RuleTerms>> rules_;
  std::vector<std::vector<ExceptionTerms>> exceptions_;
  std::vector<z3::expr> policy_effects_;
  z3::expr effect_;
  std::vector<uint32_t> rule_base_;
  std::set<std::string> approximated_;
  uint32_t fresh_ = 0;
};

// Regular expressions over bytes for the runtime's text tests, so a z3 string is tested exactly
// as core/builtins.cpp tests it (unit-tested against it on random strings).
struct UnderLanguages {
  z3::expr is_true, less_specific;  // code under pattern; code less specific than pattern
};
UnderLanguages UnderRegex(z3::context& ctx, std::string_view pattern);
z3::expr GlobRegex(z3::context& ctx, std::string_view glob, bool fold);
z3::expr Utf8Regex(z3::context& ctx);
// A z3 string constant of these bytes, and back.
z3::expr Bytes(z3::context& ctx, std::string_view bytes);
std::string BytesOf(const z3::expr& string_value);
// An integer constant of any size the engines hold (int64, 10^-18 units in __int128).
z3::expr Integer(z3::context& ctx, __int128 v);
std::string IntegerText(__int128 v);

}  // namespace licit::analysis
