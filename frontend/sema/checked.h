// The checker's output (language.md sections 3-7): every loaded module with its AST, symbol
// table, resolved references and expression types, plus the desugared facts lowering needs
// (flattened groups with periods, rules/exceptions/suspensions per root). Side tables are keyed
// by (module, NodeId) because NodeIds are dense per ast::Module.
#pragma once

#include <climits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/iso_codes.h"
#include "base/source.h"
#include "frontend/sema/types.h"
#include "frontend/syntax/ast.h"
#include "screening/screening.h"

namespace licit::sema {

using ModuleId = uint32_t;

// An inclusive range of days; open ends are INT32_MIN / INT32_MAX.
struct DayRange {
  static constexpr DayNumber kOpenStart = INT32_MIN;
  static constexpr DayNumber kOpenEnd = INT32_MAX;
  DayNumber since = kOpenStart;
  DayNumber until = kOpenEnd;

  bool empty() const { return until < since; }
  bool Contains(DayNumber day) const { return since <= day && day <= until; }
  bool Overlaps(const DayRange& o) const { return since <= o.until && o.since <= until; }
  DayRange Intersect(const DayRange& o) const {
    return {since > o.since ? since : o.since, until < o.until ? until : o.until};
  }
  bool is_open() const { return since == kOpenStart && until == kOpenEnd; }
};

// A group's flattened membership: each member country with the day ranges it belongs
// (sorted, non-overlapping). Nested groups are expanded and their periods intersected.
using GroupMembers = std::map<CountryId, std::vector<DayRange>>;

enum class SymbolKind : uint8_t { Record, Let, Class, Group, List, Rule, Exception, ImportAlias };
const char* SymbolKindName(SymbolKind kind);  // "let", "class", ...

// A declaration with a name in some module's namespace.
struct Symbol {
  SymbolKind kind = SymbolKind::Let;
  std::string name;
  ModuleId module = 0;
  const ast::Decl* decl = nullptr;  // the declaration (an ImportDecl for an alias)
  Span name_span;
  Type type;                           // Let: the value's type; Class: bool; Record: the record
  const RecordType* record = nullptr;  // Record
  ModuleId alias_target = 0;           // ImportAlias: the imported module
  bool used = false;                   // referred to from anywhere (drives W0001)
};

// What a name in an expression (a NameExpr, or a FieldExpr `T.x` through an alias) refers to.
enum class RefKind : uint8_t { InputField, Let, Class, Group, List, Country };
struct NameRef {
  RefKind kind = RefKind::Let;
  const Symbol* symbol = nullptr;      // Let, Class, Group, List
  const RecordField* field = nullptr;  // InputField: a field of the module's input record
  CountryId country = 0;               // Country
};

// One destination of a `to` list.
struct Destination {
  enum class Kind : uint8_t { Country, Group, Let } kind = Kind::Country;
  CountryId country = 0;           // Country
  const Symbol* symbol = nullptr;  // Group, or a Let of type set<country>
  Span span;
};

struct CheckedDestinations {
  bool any = false;
  std::vector<Destination> include;  // empty when `any`
  std::vector<Destination> except;
};

struct CheckedSuspension {
  const ast::SuspendDecl* decl = nullptr;
  DayRange period;
  std::vector<const Symbol*> targets;  // rules and exceptions of the same module
};

struct CheckedRule {
  const ast::RuleDecl* decl = nullptr;
  const Symbol* symbol = nullptr;
  const Symbol* scope_class = nullptr;    // null when the scope has no class
  std::optional<CheckedDestinations> to;  // the `to` part of the scope
  DayRange period;
  std::vector<const CheckedSuspension*> suspensions;
  std::vector<const Symbol*> waived_by;  // exceptions that list this rule
};

struct CheckedException {
  const ast::ExceptionDecl* decl = nullptr;
  const Symbol* symbol = nullptr;
  std::vector<const Symbol*> rules;  // the rules it waives (resolved; unknown ones dropped)
  DayRange period;
  std::vector<const CheckedSuspension*> suspensions;
};

struct CheckedTest {
  const ast::TestDecl* decl = nullptr;
  std::vector<const Symbol*> by;  // resolved rules/exceptions
};

// One loaded file and everything known about it.
struct CheckedModule {
  ModuleId id = 0;
  FileId file = kNoFile;
  std::string name;        // the policy name, "std.trade"
  std::string path;        // as shown in diagnostics
  bool is_root = false;    // given on the command line (or CheckSource)
  bool is_stdlib = false;  // from the standard library
  std::unique_ptr<ast::Module> ast;
  std::vector<ModuleId> imports;

  // Declarations of this module, in source order.
  std::vector<std::unique_ptr<Symbol>> symbols;
  std::vector<std::unique_ptr<RecordType>> records;
  // Every name visible unqualified: local declarations, aliases and unaliased imports.
  std::map<std::string, const Symbol*> scope;
  // The names declared here that importers see (records, lets, classes, groups).
  std::map<std::string, const Symbol*> exports;

  const RecordType* input = nullptr;  // the record type this policy judges
  std::unordered_map<ast::NodeId, NameRef> refs;
  std::vector<Type> types;  // indexed by NodeId; Error where unknown or not an expression

  std::vector<std::unique_ptr<CheckedSuspension>> suspensions;
  std::vector<CheckedRule> rules;            // source order
  std::vector<CheckedException> exceptions;  // source order
  std::vector<CheckedTest> tests;
  const ast::DefaultDecl* default_decl = nullptr;  // null: `allow`
  bool has_dated_rules = false;                    // any rule/exception/suspension/group period
};

// Everything checking produced for one compilation. Modules are in load order: each module's
// imports come before it, so a root is after everything it uses.
class CheckedProgram {
 public:
  const std::vector<std::unique_ptr<CheckedModule>>& modules() const { return modules_; }
  const CheckedModule& module(ModuleId id) const { return *modules_.at(id); }
  // The roots in the order given.
  const std::vector<ModuleId>& roots() const { return roots_; }

  // The type of an expression (Error when it did not check).
  Type TypeOf(ModuleId module, ast::NodeId node) const;
  // What a NameExpr (or an alias-qualified FieldExpr) refers to, or null.
  const NameRef* RefOf(ModuleId module, ast::NodeId node) const;
  // The first root's input record (null only without roots).
  const RecordType* input() const;
  // A group's flattened members; empty for non-groups.
  const GroupMembers& MembersOf(const Symbol* group) const;
  // A list's entries, read when it was checked (thresholds set); null when its file could not be
  // read or the symbol is not a list. Shared: the IR (and so a Policy) keeps the list alive.
  std::shared_ptr<const screening::PartyList> ListOf(const Symbol* list) const;
  // The let/class/group value expressions of a symbol, for lowering.
  static const ast::Expr* ValueOf(const Symbol* symbol);

  // The REPL's probe declaration (CheckOptions::probe), or null.
  const Symbol* probe() const { return probe_; }
  // Whether the probe is a record literal (CheckOptions::probe_record) rather than a value.
  bool probe_is_record() const { return probe_is_record_; }

  // Builder interface (the checker).
  void set_probe(const Symbol* probe, bool is_record) {
    probe_ = probe;
    probe_is_record_ = is_record;
  }
  CheckedModule& AddModule();
  CheckedModule& mutable_module(ModuleId id) { return *modules_.at(id); }
  std::vector<ModuleId>& mutable_roots() { return roots_; }
  std::map<const Symbol*, GroupMembers>& mutable_groups() { return groups_; }
  std::map<const Symbol*, std::shared_ptr<const screening::PartyList>>& mutable_lists() {
    return lists_;
  }

 private:
  std::vector<std::unique_ptr<CheckedModule>> modules_;
  std::vector<ModuleId> roots_;
  std::map<const Symbol*, GroupMembers> groups_;
  std::map<const Symbol*, std::shared_ptr<const screening::PartyList>> lists_;
  const Symbol* probe_ = nullptr;
  bool probe_is_record_ = false;
};

}  // namespace licit::sema
