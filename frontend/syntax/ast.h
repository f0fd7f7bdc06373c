// Licit's own syntax tree, built once from the ANTLR parse tree by syntax/ast_builder.cpp.
// Immutable after parsing. Nodes are owned by their Module (an arena of unique_ptrs) and carry a
// dense NodeId, so later phases keep types and resolved names in side tables keyed by id.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/source.h"
#include "core/effect.h"

namespace licit::ast {

using NodeId = uint32_t;

// A name as written, with where it was written.
struct Ident {
  std::string text;
  Span span;
};

// `a.b.c` (policy names, standard modules, `T.Name` references through an import alias).
struct QualifiedName {
  std::vector<Ident> parts;
  Span span;
  std::string ToString() const;  // parts joined with '.'
};

struct StringLit {
  std::string value;  // escapes already decoded
  Span span;
};

// A date bound after since/until/from or on a group member: a full date or a month.
struct DateBound {
  DateLiteral date;
  Span span;
  // The day this bound denotes: the first day of a month after since/from, the last after until.
  DayNumber AsSince() const { return date.first; }
  DayNumber AsUntil() const { return date.last; }
};

using rt::Effect;  // core/effect.h (never Error in the syntax tree)
using rt::EffectName;

// `deny`, `license "EAR-NS2"`, ...
struct EffectSpec {
  Effect effect = Effect::Allow;
  std::optional<StringLit> license_name;
  Span span;
};

// ---------------------------------------------------------------------------------------------
// Types as written: `string`, `set<country>`, `Party?`, `T.Party`.
struct TypeRef {
  QualifiedName name;
  std::vector<std::unique_ptr<TypeRef>> args;  // set<T>, list<T>
  bool optional = false;                       // trailing `?`
  Span span;
};

// ---------------------------------------------------------------------------------------------
// Expressions.

enum class ExprKind : uint8_t {
  Int,      // 42
  Decimal,  // 0.25
  String,   // "..."
  Bool,     // true / false
  Date,     // 2026-01-06 (a month literal in an expression is diagnosed by the builder)
  Money,    // 1200.00 USD
  Name,     // dual-use, destination, JP, `from`
  Field,    // expr.field
  Call,     // has(item.cn)
  Unary,    // -x, not x
  Binary,   // a + b, a and b, x in S, c under "3A001"
  If,       // if c then a else b
  Set,      // {a, b}, and {} (empty set or empty record: the checker decides)
  List,     // [a, b]
  Record,   // {field: value, ...}
  Error,    // placeholder where the parser recovered from a syntax error
};

enum class UnaryOp : uint8_t { Neg, Not };
enum class BinaryOp : uint8_t {
  Or,
  And,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  In,
  NotIn,
  Under,
  NotUnder,
  Matches,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
};
const char* BinaryOpText(BinaryOp op);  // "==", "not in", ...
bool IsComparison(BinaryOp op);

struct Expr {
  ExprKind kind;
  NodeId id = 0;
  Span span;

  explicit Expr(ExprKind k) : kind(k) {}
  virtual ~Expr() = default;
  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& As() {
    return static_cast<T&>(*this);
  }
};

struct IntExpr : Expr {
  IntExpr() : Expr(ExprKind::Int) {}
  std::string text;   // as written
  int64_t value = 0;  // valid when the literal fits (the builder reports overflow)
};
struct DecimalExpr : Expr {
  DecimalExpr() : Expr(ExprKind::Decimal) {}
  std::string text;  // as written, e.g. "0.25"; exact decimal semantics come later
};
struct StringExpr : Expr {
  StringExpr() : Expr(ExprKind::String) {}
  std::string value;  // escapes decoded
};
struct BoolExpr : Expr {
  BoolExpr() : Expr(ExprKind::Bool) {}
  bool value = false;
};
struct DateExpr : Expr {
  DateExpr() : Expr(ExprKind::Date) {}
  DayNumber value = 0;
};
struct MoneyExpr : Expr {
  MoneyExpr() : Expr(ExprKind::Money) {}
  std::string amount;    // "1200.00"
  std::string currency;  // "USD" (the builder checks it is ISO 4217)
};
struct NameExpr : Expr {
  NameExpr() : Expr(ExprKind::Name) {}
  std::string name;
  bool backquoted = false;  // `from`
};
struct FieldExpr : Expr {
  FieldExpr() : Expr(ExprKind::Field) {}
  Expr* object = nullptr;
  Ident field;
};
struct CallExpr : Expr {
  CallExpr() : Expr(ExprKind::Call) {}
  Ident function;
  std::vector<Expr*> args;
};
struct UnaryExpr : Expr {
  UnaryExpr() : Expr(ExprKind::Unary) {}
  UnaryOp op = UnaryOp::Not;
  Span op_span;
  Expr* operand = nullptr;
};
struct BinaryExpr : Expr {
  BinaryExpr() : Expr(ExprKind::Binary) {}
  BinaryOp op = BinaryOp::Eq;
  Span op_span;
  Expr* lhs = nullptr;
  Expr* rhs = nullptr;
};
struct IfExpr : Expr {
  IfExpr() : Expr(ExprKind::If) {}
  Expr* cond = nullptr;
  Expr* then_value = nullptr;
  Expr* else_value = nullptr;
};
struct SetExpr : Expr {
  SetExpr() : Expr(ExprKind::Set) {}
  std::vector<Expr*> elements;
};
struct ListExpr : Expr {
  ListExpr() : Expr(ExprKind::List) {}
  std::vector<Expr*> elements;
};
struct RecordFieldInit {
  Ident name;
  Expr* value = nullptr;
};
struct RecordExpr : Expr {
  RecordExpr() : Expr(ExprKind::Record) {}
  std::vector<RecordFieldInit> fields;
};
struct ErrorExpr : Expr {
  ErrorExpr() : Expr(ExprKind::Error) {}
};

// ---------------------------------------------------------------------------------------------
// Declarations.

enum class DeclKind : uint8_t {
  Policy,
  Import,
  Record,
  Input,
  Let,
  Class,
  Group,
  List,
  Rule,
  Exception,
  Suspend,
  Default,
  Test,
};
const char* DeclKindName(DeclKind k);  // "policy", "rule", ...
struct Decl;
// The name a declaration takes in its module's namespace (record, let, class, group, rule,
// exception); null for the others (policy, import, input, suspend, default, test).
const Ident* DeclName(const Decl& d);

struct Decl {
  DeclKind kind;
  NodeId id = 0;
  Span span;  // the whole declaration

  explicit Decl(DeclKind k) : kind(k) {}
  virtual ~Decl() = default;
  template <typename T>
  const T& As() const {
    return static_cast<const T&>(*this);
  }
  template <typename T>
  T& As() {
    return static_cast<T&>(*this);
  }
};

// `policy cn.mofcom.japan_2026 title "..." jurisdiction CN version "3"`
struct PolicyDecl : Decl {
  PolicyDecl() : Decl(DeclKind::Policy) {}
  QualifiedName name;
  std::optional<StringLit> title;
  std::optional<StringLit> version;
  std::optional<Ident> jurisdiction;  // checked to be a country or EU
};

// `import std.trade`, `import "file.licit"`, `import std.trade as T`
struct ImportDecl : Decl {
  ImportDecl() : Decl(DeclKind::Import) {}
  std::optional<QualifiedName> module;  // std.trade
  std::optional<StringLit> path;        // "relative/file.licit"
  std::optional<Ident> alias;
};

struct FieldDecl {
  NodeId id = 0;
  Ident name;
  std::unique_ptr<TypeRef> type;
  Span span;
};

struct RecordDecl : Decl {
  RecordDecl() : Decl(DeclKind::Record) {}
  Ident name;
  std::vector<FieldDecl> fields;
};

struct InputDecl : Decl {
  InputDecl() : Decl(DeclKind::Input) {}
  QualifiedName type_name;
};

struct LetDecl : Decl {
  LetDecl() : Decl(DeclKind::Let) {}
  Ident name;
  Expr* value = nullptr;
};

struct ClassDecl : Decl {
  ClassDecl() : Decl(DeclKind::Class) {}
  Ident name;
  Expr* predicate = nullptr;
};

struct GroupMember {
  QualifiedName ref;  // a country code, another group, or T.Group
  std::optional<DateBound> since;
  std::optional<DateBound> until;
  Span span;
};

struct GroupDecl : Decl {
  GroupDecl() : Decl(DeclKind::Group) {}
  Ident name;
  std::vector<GroupMember> members;
};

// `list jp-control = "lists/mofcom-control-2026.csv" format csl cleared "cleared.csv"
//  match 0.92 review 0.85 because "..." cite "..."` (screening.md): a restricted-party list.
struct ListDecl : Decl {
  ListDecl() : Decl(DeclKind::List) {}
  Ident name;
  StringLit path;                    // relative to the policy file
  std::optional<Ident> format;       // `csl` (checked by the checker); absent: Licit's own columns
  std::optional<StringLit> cleared;  // the cleared-matches file, relative to the policy file
  // Thresholds as written (the checker checks 0 <= review <= match <= 1).
  struct Threshold {
    double value = 0;
    Span span;
  };
  std::optional<Threshold> match, review;
  std::optional<StringLit> because, cite;
};

// `to JP, KR except CN` / `to any except CN, HK, MO`
struct Destinations {
  bool any = false;
  std::vector<QualifiedName> include;  // empty when `any`
  std::vector<QualifiedName> except;
  Span span;
  Span to_span;  // the `to` keyword
};

// The clauses a rule or exception may carry, each at most once (the builder reports repeats).
struct Clauses {
  Expr* when = nullptr;
  Expr* unless = nullptr;
  std::optional<DateBound> since;
  std::optional<DateBound> until;
  std::optional<StringLit> because;
  std::optional<StringLit> cite;
};

struct RuleDecl : Decl {
  RuleDecl() : Decl(DeclKind::Rule) {}
  Ident name;  // for a concise rule, the generated name; its span covers the scope
  bool concise = false;
  EffectSpec effect;
  std::optional<QualifiedName> class_name;  // the scope's class, if any (T.x through an alias)
  std::optional<Destinations> to;           // the scope's destinations, if any
  Clauses clauses;
};

struct ExceptionDecl : Decl {
  ExceptionDecl() : Decl(DeclKind::Exception) {}
  Ident name;
  std::vector<Ident> rules;  // the rules it waives
  Clauses clauses;           // when, unless, since, until, because, cite
};

struct SuspendDecl : Decl {
  SuspendDecl() : Decl(DeclKind::Suspend) {}
  std::vector<Ident> targets;  // rules or exceptions
  DateBound from;
  std::optional<DateBound> until;
  std::optional<StringLit> because;
  std::optional<StringLit> cite;
};

struct DefaultDecl : Decl {
  DefaultDecl() : Decl(DeclKind::Default) {}
  EffectSpec effect;
};

struct TestDecl : Decl {
  TestDecl() : Decl(DeclKind::Test) {}
  StringLit name;
  Expr* given = nullptr;  // a RecordExpr (or an empty SetExpr for `{}`)
  EffectSpec expect;
  std::vector<Ident> by;
};

// One parsed file. Owns every node; declarations are in source order.
class Module {
 public:
  explicit Module(FileId file) : file_(file) {}

  FileId file() const { return file_; }
  const PolicyDecl* policy() const { return policy_; }
  const std::vector<Decl*>& decls() const { return decls_; }
  // Number of NodeIds handed out; side tables can be sized with it.
  NodeId node_count() const { return next_id_; }

  // Builder interface.
  template <typename T>
  T* New() {
    auto node = std::make_unique<T>();
    node->id = next_id_++;
    T* raw = node.get();
    if constexpr (std::is_base_of_v<Expr, T>) {
      exprs_.push_back(std::move(node));
    } else {
      decls_owned_.push_back(std::move(node));
    }
    return raw;
  }
  NodeId NewId() { return next_id_++; }
  void AddDecl(Decl* d) {
    decls_.push_back(d);
    if (d->kind == DeclKind::Policy && !policy_) policy_ = &d->As<PolicyDecl>();
  }

 private:
  FileId file_;
  NodeId next_id_ = 0;
  const PolicyDecl* policy_ = nullptr;
  std::vector<Decl*> decls_;
  std::vector<std::unique_ptr<Expr>> exprs_;
  std::vector<std::unique_ptr<Decl>> decls_owned_;
};

// A readable, stable S-expression dump of a module (`licit dump --emit=ast`, parse goldens).
std::string DumpAst(const Module& module, const SourceManager& sources);

}  // namespace licit::ast
