// ir::Program: the checked policies lowered to flat vectors with typed indices, shared by the
// interpreter (engines/interp) and the JIT (engines/jit). Everything a decision needs is
// resolved here once: names to slots, classes and lets to expressions, concise rules and `to`
// scopes to conditions, groups to dated member tables, suspensions and waivers to indices.
// Produced by ir::Lower (lower.h), printed by ir::Print, checked by ir::Verify.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/source.h"
#include "core/builtins.h"
#include "core/effect.h"
#include "core/record.h"
#include "core/screen.h"
#include "core/value.h"

namespace licit::ir {

using ExprId = uint32_t;
using ConstId = uint32_t;
using ClassId = uint32_t;
using GroupId = uint32_t;
using RuleId = uint32_t;        // index into Policy::rules
using ExceptionId = uint32_t;   // index into Policy::exceptions
using SuspensionId = uint32_t;  // index into Policy::suspensions
inline constexpr uint32_t kNone = UINT32_MAX;

// The effect lattice, weakest first, so `std::max` combines contributions.
using rt::Effect;  // core/effect.h (never Error in the IR)
using rt::EffectName;

// An inclusive day range; open ends are INT32_MIN / INT32_MAX.
struct Period {
  DayNumber since = INT32_MIN;
  DayNumber until = INT32_MAX;
  bool Contains(DayNumber d) const { return since <= d && d <= until; }
  bool open() const { return since == INT32_MIN && until == INT32_MAX; }
};

// The standard functions (core/builtins.def). A Call node's imm is one of them, never Has (which
// is the Has op).
using rt::Builtin;
using rt::BuiltinName;

enum class Op : uint8_t {
  Const,     // imm: ConstId
  Field,     // imm: slot; unknown (with a reason naming the field) when missing or null
  Has,       // imm: slot; true when the field and every enclosing record are present
  ClassRef,  // imm: ClassId; the class's predicate
  Not,       // operands: x (Kleene)
  And,
  Or,  // operands: 2 or more (Kleene; evaluation order is operand order)
  If,  // operands: cond, then, else; unknown cond gives unknown
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,  // operands: lhs, rhs of one kind (after ToDecimal / ToCode)
  In,
  NotIn,  // operands: element, set or list
  InGroup,
  NotInGroup,  // operands: country; imm: GroupId; judged at the record's date
  Under,
  NotUnder,  // operands: code, code or set/list of codes
  Matches,   // operands: string or code, glob string
  Add,
  Sub,
  Mul,
  Div,
  Mod,        // operands: lhs, rhs
  Neg,        // operands: x
  ToDecimal,  // operands: an int
  ToCode,     // operands: a string, or a set/list of strings (elementwise)
  Call,       // imm: Builtin; operands: the arguments
  MakeSet,
  MakeList,  // operands: the elements (only when not all constant; else a Const)
  // Party screening (core/screen.h): operands: the party's name, then its country when its record
  // has one; imm: ScreenImm(list, part). Matches is Bool (unknown for a near miss); other parts
  // are the fields of match(P, L).
  Screen,
};
using rt::ScreenPart;
// A Screen node's imm: the list (index into Program::lists) and the part it computes.
inline uint32_t ScreenImm(uint32_t list, ScreenPart part) {
  return list * rt::kScreenPartCount + static_cast<uint32_t>(part);
}
inline uint32_t ScreenListOf(uint32_t imm) { return imm / rt::kScreenPartCount; }
inline ScreenPart ScreenPartOf(uint32_t imm) {
  return static_cast<ScreenPart>(imm % rt::kScreenPartCount);
}
const char* OpName(Op op);

// The runtime's compare and arithmetic entry points take these ops as they are (core/builtins.h).
#define LICIT_SAME_OP(name) \
  static_assert(static_cast<uint8_t>(Op::name) == static_cast<uint8_t>(rt::RtOp::name))
LICIT_SAME_OP(Eq);
LICIT_SAME_OP(Ne);
LICIT_SAME_OP(Lt);
LICIT_SAME_OP(Le);
LICIT_SAME_OP(Gt);
LICIT_SAME_OP(Ge);
LICIT_SAME_OP(Add);
LICIT_SAME_OP(Sub);
LICIT_SAME_OP(Mul);
LICIT_SAME_OP(Div);
LICIT_SAME_OP(Mod);
LICIT_SAME_OP(Neg);
#undef LICIT_SAME_OP

// One expression node. Operands are ExprIds stored in Program::operands[first, first + count).
struct Node {
  Op op = Op::Const;
  rt::ValueKind kind = rt::ValueKind::Bool;        // result kind
  rt::ValueKind element = rt::ValueKind::Unknown;  // element kind for Set/List results
  uint32_t first = 0;
  uint32_t count = 0;
  uint32_t imm = 0;
  Span span;  // the source it came from (explanations quote it)
};

struct Class {
  std::string name;
  ExprId predicate = kNone;
  Span span;
};

// A country group flattened: each member country with the periods it belongs.
struct Group {
  std::string name;
  std::map<CountryId, std::vector<Period>> members;
  bool Contains(CountryId c, DayNumber day) const;
};

struct Suspension {
  std::string at;  // "file:line:col"
  Period period;
  std::optional<std::string> because, cite;
};

struct Rule {
  std::string name;
  Effect effect = Effect::Deny;        // Deny, License, Review or Allow
  std::optional<std::string> license;  // `license "name"`
  std::optional<std::string> because, cite;
  std::string at;  // "file:line:col" of the declaration
  Span span;
  Period period;
  std::vector<SuspensionId> suspensions;
  // The firing condition, in parts so explanations can say which part was false. kNone = true.
  ExprId scope_class = kNone;  // ClassRef of the scope's class
  ExprId destination =
      kNone;  // `to` list: destination in the listed countries/groups, minus except
  ExprId when = kNone;
  ExprId unless = kNone;               // the rule fires only when this is false
  std::vector<ExceptionId> waived_by;  // exceptions listing this rule, in source order
  // The Screen nodes (part Matches) of the scope, `to` and `when`, through classes: when the rule
  // fires, the decision names the entries they matched (rt::MatchNote). Set by Lower.
  std::vector<ExprId> screens;
};

struct Exception {
  std::string name;
  std::string at;
  Span span;
  Period period;
  std::vector<SuspensionId> suspensions;
  ExprId when = kNone;  // kNone: always holds
  ExprId unless = kNone;
  std::optional<std::string> because, cite;
  std::vector<RuleId> rules;  // the rules it waives
};

// One `test` block: the given record as slot assignments, and the expectation.
struct Test {
  std::string name;
  std::string at;
  std::vector<std::pair<uint32_t, ConstId>> given;  // slot := constant; other slots missing
  Effect expect = Effect::Allow;
  std::optional<std::string> expect_license;
  std::vector<std::string> by;  // rule names (or exception names for `exempt`)
};

// One root policy file.
struct Policy {
  std::string name;
  std::optional<std::string> version;
  std::optional<std::string> title;
  std::optional<std::string> jurisdiction;
  std::string path;
  std::vector<Rule> rules;            // source order
  std::vector<Exception> exceptions;  // source order
  std::vector<Suspension> suspensions;
  Effect default_effect = Effect::Allow;
  std::optional<std::string> default_license;
  std::vector<Test> tests;
};

// Rule indexing (index.h): for one policy, the rules whose firing requires one field to equal
// one of a few constants (a scope class, `to` list or `when` that is an equality, an `or` of
// equalities or a group membership on the field, possibly inside an `and`). A rule not listed for
// a record's value of that field has a false condition part, so it cannot fire; only the
// candidates are judged. A field that is unknown (missing, null) makes all its rules candidates.
struct RuleIndex {
  struct Key {
    uint32_t slot = 0;                                           // the field
    rt::ValueKind kind = rt::ValueKind::Unknown;                 // String, Code or Country
    std::unordered_map<std::string, std::vector<RuleId>> rules;  // by IndexKeyOf(value)
    std::vector<RuleId> all;  // every rule indexed on this field, in rule order
  };
  std::vector<Key> keys;
  std::vector<RuleId> always;  // rules not indexed: always candidates
  uint32_t indexed = 0;        // how many rules are indexed
};

// The REPL's probe (sema::CheckOptions::probe; licit::Session): an expression to evaluate against
// a record, or a record literal given as slot assignments like a test's `given`. Ordinary
// compilations have none; neither engine's decisions read it.
struct Probe {
  bool is_record = false;
  ExprId value = kNone;                              // !is_record
  std::vector<std::pair<uint32_t, ConstId>> record;  // is_record: slot := constant
};

struct Program {
  rt::RecordLayout input;        // every policy judges this record type
  std::vector<Policy> policies;  // in the order given
  std::vector<Node> nodes;
  std::vector<ExprId> operands;
  std::vector<rt::Value> constants;  // their strings/items point into constant_storage
  std::deque<std::string> constant_strings;
  std::deque<std::vector<rt::Value>> constant_items;
  std::vector<Class> classes;
  std::vector<Group> groups;
  std::vector<rt::ScreenList> lists;  // restricted-party lists, by Screen nodes' list index
  // Whether any rule, exception, suspension or group member has a period: only then does a
  // decision need a date (the record's or --as-of), and a record without one is an error.
  bool dated = false;
  // Source texts by FileId, so explanations can quote conditions without the compiler.
  std::vector<std::pair<std::string, std::string>> sources;  // (path, text)
  // By policy; built by Lower (BuildRuleIndex). Empty: no index, every rule is judged.
  std::vector<RuleIndex> rule_index;
  std::optional<Probe> probe;

  const Node& node(ExprId id) const { return nodes[id]; }
  // The operands of a node.
  const ExprId* args(const Node& n) const { return operands.data() + n.first; }
  // The source text of a span ("destination in EU").
  std::string_view SourceText(Span span) const;
};

// The Screen nodes of part Matches reachable from `root` (through operands and class predicates),
// each once, in the order first reached.
std::vector<ExprId> ScreensIn(const Program& program, ExprId root);

// `licit dump --emit=ir`: a stable, readable listing of the whole program.
std::string Print(const Program& program);

// Structural checks (operand counts and kinds, indices in range, slots valid). Returns the
// problems found; empty when the program is well formed. Lowering runs it in debug builds and
// the tests run it on every golden.
std::vector<std::string> Verify(const Program& program);

}  // namespace licit::ir
