// Lowering: sema::CheckedProgram -> ir::Program (language.md sections 3-7). Every name is
// resolved to a slot, constant, class or group here, and the implicit conversions the checker
// allowed (int -> decimal, string -> code) become explicit, folded when the operand is constant,
// so neither engine needs the checker's side tables.
#include "frontend/lower/lower.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "base/check.h"
#include "ir/index.h"

namespace licit::ir {
namespace {

using sema::ModuleId;
using sema::Type;
using sema::TypeKind;

rt::ValueKind KindOf(TypeKind k) {
  switch (k) {
    case TypeKind::Bool: return rt::ValueKind::Bool;
    case TypeKind::Int: return rt::ValueKind::Int;
    case TypeKind::Decimal: return rt::ValueKind::Decimal;
    case TypeKind::String: return rt::ValueKind::String;
    case TypeKind::Date: return rt::ValueKind::Date;
    case TypeKind::Country: return rt::ValueKind::Country;
    case TypeKind::Money: return rt::ValueKind::Money;
    case TypeKind::Code: return rt::ValueKind::Code;
    case TypeKind::Set: return rt::ValueKind::Set;
    case TypeKind::List: return rt::ValueKind::List;
    case TypeKind::Record: return rt::ValueKind::Record;
    case TypeKind::Error:
    case TypeKind::Group:
    case TypeKind::PartyList: return rt::ValueKind::Unknown;
  }
  LICIT_UNREACHABLE("a TypeKind outside the enum");
}

rt::ValueKind ElementKindOf(const Type& t) {
  return t.is_collection() ? KindOf(t.element().kind()) : rt::ValueKind::Unknown;
}

bool IsCollection(rt::ValueKind k) { return k == rt::ValueKind::Set || k == rt::ValueKind::List; }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Period PeriodOf(const sema::DayRange& r) { return Period{r.since, r.until}; }

std::optional<std::string> TextOf(const std::optional<ast::StringLit>& s) {
  if (!s) return std::nullopt;
  return s->value;
}

class Lowerer {
 public:
  Lowerer(const sema::CheckedProgram& checked, const SourceManager& sources, DiagnosticSink& diags,
          Program& out)
      : checked_(checked), sources_(sources), diags_(diags), out_(out) {}

  bool Run();

 private:
  // --- layout
  bool BuildLayout();
  bool AddSlots(const sema::RecordType* record, int32_t parent, const std::string& prefix,
                std::vector<const sema::RecordType*>* open);

  // --- constants and nodes
  ConstId AddConst(const rt::Value& v);
  rt::Value StoreString(std::string_view s, bool code);
  rt::Value StoreItems(rt::ValueKind kind, std::vector<rt::Value> items);
  ExprId AddNode(Op op, rt::ValueKind kind, rt::ValueKind element, const std::vector<ExprId>& ops,
                 uint32_t imm, Span span);
  ExprId ConstNode(const rt::Value& v, rt::ValueKind element, Span span);
  bool IsConst(ExprId id) const { return out_.nodes[id].op == Op::Const; }
  const rt::Value& ConstOf(ExprId id) const { return out_.constants[out_.nodes[id].imm]; }

  // --- expressions
  ExprId Lower(ModuleId m, const ast::Expr* e);
  ExprId LowerAs(ModuleId m, const ast::Expr* e, const Type& want);
  ExprId Convert(ExprId id, rt::ValueKind kind, rt::ValueKind element);
  ExprId ConvertTo(ExprId id, const Type& want) {
    return Convert(id, KindOf(want.kind()), ElementKindOf(want));
  }
  std::optional<rt::Value> ConvertValue(const rt::Value& v, rt::ValueKind kind,
                                        rt::ValueKind element);
  ExprId LowerName(ModuleId m, const ast::Expr& e, const sema::NameRef& ref);
  ExprId LowerField(ModuleId m, const ast::FieldExpr& e);
  std::optional<ExprId> FieldAccess(ModuleId m, const ast::Expr* object, const std::string& rest,
                                    Span span);
  std::optional<std::string> FieldPath(ModuleId m, const ast::Expr* e);
  ExprId LowerCall(ModuleId m, const ast::CallExpr& e);
  ExprId LowerBinary(ModuleId m, const ast::BinaryExpr& e);
  ExprId LowerUnary(ModuleId m, const ast::UnaryExpr& e);
  ExprId LowerCollection(ModuleId m, const ast::Expr& e, const std::vector<ast::Expr*>& elements,
                         bool is_set);
  void FlattenLogic(ModuleId m, const ast::Expr* e, ast::BinaryOp op, std::vector<ExprId>* out);
  ExprId SlotNode(uint32_t slot, Span span);
  ExprId LetValue(const sema::Symbol* let);
  ClassId ClassOf(const sema::Symbol* cls);
  GroupId GroupOf(const sema::Symbol* group);
  // The list's index in Program::lists (added on first use).
  uint32_t ListOf(const sema::Symbol* list);
  // `party matches list` (part Matches) or `match(party, list).field`.
  ExprId LowerScreen(ModuleId m, const ast::Expr* party, const ast::Expr* list, rt::ScreenPart part,
                     Span span);
  ExprId Fail(Span span, const std::string& what);

  // --- declarations
  void LowerPolicy(const sema::CheckedModule& m);
  ExprId Destinations(ModuleId m, const sema::CheckedDestinations& to, Span span);
  ExprId DestinationTest(ModuleId m, const sema::Destination& d, bool negate);
  void FlattenGiven(ModuleId m, const ast::Expr* given, const sema::RecordType* record,
                    const std::string& prefix, Test* test);
  std::string At(Span span) const { return sources_.Where(span); }

  const sema::CheckedProgram& checked_;
  const SourceManager& sources_;
  DiagnosticSink& diags_;
  Program& out_;

  const sema::RecordType* input_ = nullptr;
  std::map<std::string, uint32_t> slot_of_path_;
  std::map<std::string, ConstId> const_index_;
  std::map<const sema::Symbol*, ExprId> let_values_;
  std::set<const sema::Symbol*> lets_in_progress_;
  std::map<const sema::Symbol*, ClassId> classes_;
  std::map<const sema::Symbol*, GroupId> groups_;
  std::map<const sema::Symbol*, uint32_t> lists_;
  std::vector<std::string> problems_;  // shapes a checked program should never have
};

// ---------------------------------------------------------------------------------------------
// Layout.

bool Lowerer::BuildLayout() {
  const auto& roots = checked_.roots();
  input_ = checked_.input();
  if (input_ == nullptr) {
    diags_.Report(DiagKind::InputNotRecord, Span{}, "no input record type to lower");
    return false;
  }
  bool ok = true;
  for (ModuleId r : roots) {
    const sema::CheckedModule& m = checked_.module(r);
    if (m.input == input_) continue;
    // Several policies give one decision per record, so they must read one record type.
    const sema::CheckedModule& first = checked_.module(roots.front());
    Span where = m.input ? m.input->span : Span{};
    if (m.ast && m.ast->policy()) where = m.ast->policy()->name.span;
    diags_
        .Report(DiagKind::InputNotRecord, where,
                fmt::format("policy `{}` judges `{}`, but `{}` judges `{}`", m.name,
                            m.input ? m.input->qualified_name : "nothing", first.name,
                            input_->qualified_name))
        .Label("a different input record")
        .Help("policies run together must judge the same record type");
    ok = false;
  }
  if (!ok) return false;
  out_.input.type_name = input_->qualified_name;
  std::vector<const sema::RecordType*> open = {input_};
  if (!AddSlots(input_, -1, "", &open)) return false;
  for (uint32_t i = 0; i < out_.input.slots.size(); ++i) {
    const rt::FieldSlot& s = out_.input.slots[i];
    if (s.parent != -1) continue;
    if (s.name == "date" && s.kind == rt::ValueKind::Date) out_.input.date_slot = i;
    if (s.name == "id" && s.kind == rt::ValueKind::String) out_.input.id_slot = i;
  }
  return true;
}

bool Lowerer::AddSlots(const sema::RecordType* record, int32_t parent, const std::string& prefix,
                       std::vector<const sema::RecordType*>* open) {
  for (const sema::RecordField& f : record->fields) {
    uint32_t slot = static_cast<uint32_t>(out_.input.slots.size());
    rt::FieldSlot s;
    s.path = prefix + f.name;
    s.name = f.name;
    s.kind = KindOf(f.type.kind());
    s.element = ElementKindOf(f.type);
    s.optional = f.optional;
    s.parent = parent;
    out_.input.slots.push_back(std::move(s));
    slot_of_path_[prefix + f.name] = slot;
    if (parent < 0) {
      out_.input.top_level.push_back(slot);
    } else {
      out_.input.slots[parent].children.push_back(slot);
    }
    if (f.type.kind() != TypeKind::Record || f.type.record() == nullptr) continue;
    const sema::RecordType* inner = f.type.record();
    // A record that contains itself has no finite flat layout.
    if (std::find(open->begin(), open->end(), inner) != open->end()) {
      diags_
          .Report(DiagKind::InputNotRecord, f.span,
                  fmt::format("field `{}{}` makes the input record `{}` contain itself", prefix,
                              f.name, input_->name))
          .Label("recursive record field")
          .Help("input records are flattened into one slot per field; nest records finitely");
      return false;
    }
    open->push_back(inner);
    bool ok = AddSlots(inner, static_cast<int32_t>(slot), prefix + f.name + ".", open);
    open->pop_back();
    if (!ok) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Constants and nodes.

// A byte key identifying a constant's value, so equal constants share one ConstId.
void AppendKey(const rt::Value& v, std::string* key) {
  key->push_back(static_cast<char>(v.kind));
  auto raw = [key](const void* p, size_t n) { key->append(static_cast<const char*>(p), n); };
  switch (v.kind) {
    case rt::ValueKind::Bool: key->push_back(v.b ? '1' : '0'); break;
    case rt::ValueKind::Int: raw(&v.i, sizeof v.i); break;
    case rt::ValueKind::Date: raw(&v.date, sizeof v.date); break;
    case rt::ValueKind::Country: raw(&v.country, sizeof v.country); break;
    case rt::ValueKind::Decimal:
    case rt::ValueKind::Money:
      raw(&v.dec.units, sizeof v.dec.units);
      raw(&v.aux, sizeof v.aux);
      break;
    case rt::ValueKind::String:
    case rt::ValueKind::Code: {
      uint32_t n = v.str.len;
      raw(&n, sizeof n);
      key->append(v.text());
      break;
    }
    case rt::ValueKind::Set:
    case rt::ValueKind::List: {
      uint32_t n = v.items.size;
      raw(&n, sizeof n);
      for (const rt::Value& x : v.items) AppendKey(x, key);
      break;
    }
    case rt::ValueKind::Unknown: raw(&v.aux, sizeof v.aux); break;
    case rt::ValueKind::Record: break;
  }
}

ConstId Lowerer::AddConst(const rt::Value& v) {
  std::string key;
  AppendKey(v, &key);
  auto [it, inserted] =
      const_index_.emplace(std::move(key), static_cast<ConstId>(out_.constants.size()));
  if (inserted) out_.constants.push_back(v);
  return it->second;
}

rt::Value Lowerer::StoreString(std::string_view s, bool code) {
  out_.constant_strings.emplace_back(code ? Upper(s) : std::string(s));
  const std::string& stored = out_.constant_strings.back();
  return code ? rt::Value::Code(stored) : rt::Value::String(stored);
}

rt::Value Lowerer::StoreItems(rt::ValueKind kind, std::vector<rt::Value> items) {
  if (kind == rt::ValueKind::Set) {
    // Sets are sorted and unique so membership is a binary search in both engines.
    std::sort(items.begin(), items.end(),
              [](const rt::Value& a, const rt::Value& b) { return rt::CompareValues(a, b) < 0; });
    items.erase(std::unique(items.begin(), items.end(),
                            [](const rt::Value& a, const rt::Value& b) {
                              return rt::CompareValues(a, b) == 0;
                            }),
                items.end());
  }
  out_.constant_items.push_back(std::move(items));
  const std::vector<rt::Value>& stored = out_.constant_items.back();
  rt::ValueSpan span{stored.data(), static_cast<uint32_t>(stored.size())};
  return kind == rt::ValueKind::Set ? rt::Value::Set(span) : rt::Value::List(span);
}

ExprId Lowerer::AddNode(Op op, rt::ValueKind kind, rt::ValueKind element,
                        const std::vector<ExprId>& ops, uint32_t imm, Span span) {
  Node n;
  n.op = op;
  n.kind = kind;
  n.element = IsCollection(kind) ? element : rt::ValueKind::Unknown;
  n.first = static_cast<uint32_t>(out_.operands.size());
  n.count = static_cast<uint32_t>(ops.size());
  n.imm = imm;
  n.span = span;
  out_.operands.insert(out_.operands.end(), ops.begin(), ops.end());
  out_.nodes.push_back(n);
  return static_cast<ExprId>(out_.nodes.size() - 1);
}

ExprId Lowerer::ConstNode(const rt::Value& v, rt::ValueKind element, Span span) {
  return AddNode(Op::Const, v.kind, element, {}, AddConst(v), span);
}

ExprId Lowerer::Fail(Span span, const std::string& what) {
  problems_.push_back(fmt::format("{}: {}", span.valid() ? At(span) : "?", what));
  return ConstNode(rt::Value::Bool(false), rt::ValueKind::Unknown, span);
}

ExprId Lowerer::SlotNode(uint32_t slot, Span span) {
  const rt::FieldSlot& s = out_.input.slots[slot];
  return AddNode(Op::Field, s.kind, s.element, {}, slot, span);
}

// ---------------------------------------------------------------------------------------------
// Conversions the checker allowed implicitly.

std::optional<rt::Value> Lowerer::ConvertValue(const rt::Value& v, rt::ValueKind kind,
                                               rt::ValueKind element) {
  if (v.kind == rt::ValueKind::Int && kind == rt::ValueKind::Decimal) {
    return rt::Value::Dec(rt::Decimal::FromInt(v.i));
  }
  if (v.kind == rt::ValueKind::String && kind == rt::ValueKind::Code) {
    return StoreString(v.text(), /*code=*/true);
  }
  if (IsCollection(v.kind) && v.kind == kind) {
    std::vector<rt::Value> items;
    for (const rt::Value& x : v.items) {
      auto c = ConvertValue(x, element, rt::ValueKind::Unknown);
      if (!c) return std::nullopt;
      items.push_back(*c);
    }
    return StoreItems(kind, std::move(items));
  }
  if (v.kind == kind) return v;
  return std::nullopt;
}

ExprId Lowerer::Convert(ExprId id, rt::ValueKind kind, rt::ValueKind element) {
  Node n = out_.nodes[id];
  if (kind == rt::ValueKind::Unknown) return id;
  bool collection_same = IsCollection(kind) && n.kind == kind;
  if (n.kind == kind &&
      (!collection_same || n.element == element || element == rt::ValueKind::Unknown)) {
    return id;
  }
  bool to_decimal = n.kind == rt::ValueKind::Int && kind == rt::ValueKind::Decimal;
  bool to_code = n.kind == rt::ValueKind::String && kind == rt::ValueKind::Code;
  bool elements =
      collection_same && ((n.element == rt::ValueKind::Int && element == rt::ValueKind::Decimal) ||
                          (n.element == rt::ValueKind::String && element == rt::ValueKind::Code) ||
                          n.element == rt::ValueKind::Unknown);  // `{}`: takes the expected element
  if (!to_decimal && !to_code && !elements) return id;  // not a conversion the language has
  if (n.op == Op::Const) {
    if (auto v = ConvertValue(out_.constants[n.imm], kind, element)) {
      return ConstNode(*v, element, n.span);
    }
  }
  if (elements && n.element == rt::ValueKind::Unknown && n.count == 0) {
    return AddNode(n.op, kind, element, {}, n.imm, n.span);
  }
  if (elements && (n.op == Op::MakeSet || n.op == Op::MakeList)) {
    std::vector<ExprId> items;
    for (uint32_t i = 0; i < n.count; ++i) {
      items.push_back(Convert(out_.operands[n.first + i], element, rt::ValueKind::Unknown));
    }
    return AddNode(n.op, kind, element, items, 0, n.span);
  }
  if (n.op == Op::If) {
    ExprId cond = out_.operands[n.first];
    ExprId a = Convert(out_.operands[n.first + 1], kind, element);
    ExprId b = Convert(out_.operands[n.first + 2], kind, element);
    return AddNode(Op::If, kind, element, {cond, a, b}, 0, n.span);
  }
  if (to_decimal) return AddNode(Op::ToDecimal, kind, element, {id}, 0, n.span);
  if (to_code || (elements && n.element == rt::ValueKind::String)) {
    return AddNode(Op::ToCode, kind, element, {id}, 0, n.span);
  }
  problems_.push_back(fmt::format("{}: no run-time conversion of {} elements to {}", At(n.span),
                                  rt::ValueKindName(n.element), rt::ValueKindName(element)));
  return id;
}

// ---------------------------------------------------------------------------------------------
// Expressions.

ExprId Lowerer::LowerAs(ModuleId m, const ast::Expr* e, const Type& want) {
  return ConvertTo(Lower(m, e), want);
}

ExprId Lowerer::Lower(ModuleId m, const ast::Expr* e) {
  if (e == nullptr) return Fail(Span{}, "missing expression");
  Type type = checked_.TypeOf(m, e->id);
  switch (e->kind) {
    case ast::ExprKind::Int:
      return ConstNode(rt::Value::Int(e->As<ast::IntExpr>().value), rt::ValueKind::Unknown,
                       e->span);
    case ast::ExprKind::Decimal: {
      auto d = rt::Decimal::Parse(e->As<ast::DecimalExpr>().text);
      if (!d) return Fail(e->span, "decimal literal out of range");
      return ConstNode(rt::Value::Dec(*d), rt::ValueKind::Unknown, e->span);
    }
    case ast::ExprKind::String:
      return ConstNode(StoreString(e->As<ast::StringExpr>().value, false), rt::ValueKind::Unknown,
                       e->span);
    case ast::ExprKind::Bool:
      return ConstNode(rt::Value::Bool(e->As<ast::BoolExpr>().value), rt::ValueKind::Unknown,
                       e->span);
    case ast::ExprKind::Date:
      return ConstNode(rt::Value::Date(e->As<ast::DateExpr>().value), rt::ValueKind::Unknown,
                       e->span);
    case ast::ExprKind::Money: {
      const auto& me = e->As<ast::MoneyExpr>();
      auto money = rt::Money::Parse(me.amount + " " + me.currency);
      if (!money) return Fail(e->span, "money literal out of range");
      return ConstNode(rt::Value::MoneyOf(*money), rt::ValueKind::Unknown, e->span);
    }
    case ast::ExprKind::Name: {
      const sema::NameRef* ref = checked_.RefOf(m, e->id);
      if (ref == nullptr) return Fail(e->span, "unresolved name");
      return LowerName(m, *e, *ref);
    }
    case ast::ExprKind::Field: {
      // `T.x` through an import alias resolves like a name.
      if (const sema::NameRef* ref = checked_.RefOf(m, e->id)) return LowerName(m, *e, *ref);
      return LowerField(m, e->As<ast::FieldExpr>());
    }
    case ast::ExprKind::Call: return LowerCall(m, e->As<ast::CallExpr>());
    case ast::ExprKind::Unary: return LowerUnary(m, e->As<ast::UnaryExpr>());
    case ast::ExprKind::Binary: return LowerBinary(m, e->As<ast::BinaryExpr>());
    case ast::ExprKind::If: {
      const auto& i = e->As<ast::IfExpr>();
      ExprId c = Lower(m, i.cond);
      ExprId a = LowerAs(m, i.then_value, type);
      ExprId b = LowerAs(m, i.else_value, type);
      return AddNode(Op::If, KindOf(type.kind()), ElementKindOf(type), {c, a, b}, 0, e->span);
    }
    case ast::ExprKind::Set:
      return LowerCollection(m, *e, e->As<ast::SetExpr>().elements, /*is_set=*/true);
    case ast::ExprKind::List:
      return LowerCollection(m, *e, e->As<ast::ListExpr>().elements, /*is_set=*/false);
    case ast::ExprKind::Record: return Fail(e->span, "record literal outside a test");
    case ast::ExprKind::Error: return Fail(e->span, "error expression");
  }
  LICIT_UNREACHABLE("an ExprKind outside the enum");
}

ExprId Lowerer::LowerName(ModuleId m, const ast::Expr& e, const sema::NameRef& ref) {
  switch (ref.kind) {
    case sema::RefKind::InputField: {
      if (checked_.module(m).input != input_) {
        return Fail(e.span, "field of a record other than the program's input");
      }
      auto it = slot_of_path_.find(ref.field->name);
      if (it == slot_of_path_.end()) return Fail(e.span, "input field without a slot");
      return SlotNode(it->second, e.span);
    }
    case sema::RefKind::Let: {
      ExprId v = LetValue(ref.symbol);
      // A let is a constant: each use gets a node with its own span, sharing the ConstId.
      if (v != kNone && IsConst(v)) {
        const Node& n = out_.nodes[v];
        return AddNode(Op::Const, n.kind, n.element, {}, n.imm, e.span);
      }
      return v == kNone ? Fail(e.span, "let without a value") : v;
    }
    case sema::RefKind::Class:
      return AddNode(Op::ClassRef, rt::ValueKind::Bool, rt::ValueKind::Unknown, {},
                     ClassOf(ref.symbol), e.span);
    case sema::RefKind::Country:
      return ConstNode(rt::Value::Country(ref.country), rt::ValueKind::Unknown, e.span);
    case sema::RefKind::Group: return Fail(e.span, "group used as a value");
    case sema::RefKind::List: return Fail(e.span, "list used as a value");
  }
  LICIT_UNREACHABLE("a RefKind outside the enum");
}

ExprId Lowerer::LetValue(const sema::Symbol* let) {
  if (auto it = let_values_.find(let); it != let_values_.end()) return it->second;
  // The checker rejects let cycles; this guard only keeps a bad program from recursing forever.
  if (!lets_in_progress_.insert(let).second) return Fail(let->name_span, "let cycle");
  ExprId v = LowerAs(let->module, sema::CheckedProgram::ValueOf(let), let->type);
  lets_in_progress_.erase(let);
  let_values_[let] = v;
  return v;
}

ClassId Lowerer::ClassOf(const sema::Symbol* cls) {
  if (auto it = classes_.find(cls); it != classes_.end()) return it->second;
  ClassId id = static_cast<ClassId>(out_.classes.size());
  classes_[cls] = id;  // before lowering the predicate, so a (rejected) cycle terminates
  out_.classes.push_back(Class{cls->name, kNone, cls->name_span});
  ExprId predicate = Lower(cls->module, sema::CheckedProgram::ValueOf(cls));
  out_.classes[id].predicate = predicate;
  return id;
}

GroupId Lowerer::GroupOf(const sema::Symbol* group) {
  if (auto it = groups_.find(group); it != groups_.end()) return it->second;
  Group g;
  g.name = group->name;
  for (const auto& [country, ranges] : checked_.MembersOf(group)) {
    std::vector<Period>& periods = g.members[country];
    for (const sema::DayRange& r : ranges) periods.push_back(PeriodOf(r));
  }
  GroupId id = static_cast<GroupId>(out_.groups.size());
  out_.groups.push_back(std::move(g));
  groups_[group] = id;
  return id;
}

uint32_t Lowerer::ListOf(const sema::Symbol* list) {
  if (auto it = lists_.find(list); it != lists_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(out_.lists.size());
  out_.lists.push_back(rt::ScreenList{list->name, checked_.ListOf(list)});
  lists_[list] = id;
  return id;
}

ExprId Lowerer::LowerScreen(ModuleId m, const ast::Expr* party, const ast::Expr* list,
                            rt::ScreenPart part, Span span) {
  const sema::NameRef* ref = list ? checked_.RefOf(m, list->id) : nullptr;
  if (ref == nullptr || ref->kind != sema::RefKind::List || !checked_.ListOf(ref->symbol)) {
    return Fail(span, "screening against something other than a list that was read");
  }
  std::optional<ExprId> name = FieldAccess(m, party, "name", span);
  if (!name) return Fail(span, "screening a party that is not an input field");
  std::vector<ExprId> operands{*name};
  Type party_type = party ? checked_.TypeOf(m, party->id) : Type::Error();
  if (party_type.record() != nullptr && party_type.record()->Find("country") != nullptr) {
    std::optional<ExprId> country = FieldAccess(m, party, "country", span);
    if (!country) return Fail(span, "screening a party whose country has no slot");
    operands.push_back(*country);
  }
  return AddNode(Op::Screen, rt::ScreenPartKind(part), rt::ValueKind::Unknown, operands,
                 ir::ScreenImm(ListOf(ref->symbol), part), span);
}

// The dotted input path an expression denotes (`item.cn`), or nullopt when it is not one.
std::optional<std::string> Lowerer::FieldPath(ModuleId m, const ast::Expr* e) {
  if (e == nullptr) return std::nullopt;
  if (e->kind == ast::ExprKind::Name) {
    const sema::NameRef* ref = checked_.RefOf(m, e->id);
    if (ref == nullptr || ref->kind != sema::RefKind::InputField) return std::nullopt;
    if (checked_.module(m).input != input_) return std::nullopt;
    return ref->field->name;
  }
  if (e->kind != ast::ExprKind::Field || checked_.RefOf(m, e->id) != nullptr) return std::nullopt;
  const auto& f = e->As<ast::FieldExpr>();
  auto object = FieldPath(m, f.object);
  if (!object) return std::nullopt;
  return *object + "." + f.field.text;
}

ExprId Lowerer::LowerField(ModuleId m, const ast::FieldExpr& e) {
  if (e.object != nullptr && e.object->kind == ast::ExprKind::Call &&
      e.object->As<ast::CallExpr>().function.text == "match") {
    // match(P, L).field: the field's position in the Match record is its screening part.
    const auto& call = e.object->As<ast::CallExpr>();
    const sema::RecordField* field = sema::MatchRecordType()->Find(e.field.text);
    if (field == nullptr || call.args.size() != 2) return Fail(e.span, "bad match() field");
    return LowerScreen(m, call.args[0], call.args[1], static_cast<rt::ScreenPart>(field->index + 1),
                       e.span);
  }
  if (auto id = FieldAccess(m, e.object, e.field.text, e.span)) return *id;
  return Fail(e.span, "field access on something other than an input field path");
}

// `object.rest`: a slot when `object` is a field path; through `if` by taking the field in each
// branch (records are never values at run time, only slots).
std::optional<ExprId> Lowerer::FieldAccess(ModuleId m, const ast::Expr* object,
                                           const std::string& rest, Span span) {
  if (object == nullptr) return std::nullopt;
  if (auto path = FieldPath(m, object)) {
    auto it = slot_of_path_.find(*path + "." + rest);
    if (it == slot_of_path_.end()) return std::nullopt;
    return SlotNode(it->second, span);
  }
  if (object->kind == ast::ExprKind::Field && checked_.RefOf(m, object->id) == nullptr) {
    const auto& f = object->As<ast::FieldExpr>();
    return FieldAccess(m, f.object, f.field.text + "." + rest, span);
  }
  if (object->kind == ast::ExprKind::If) {
    const auto& i = object->As<ast::IfExpr>();
    auto a = FieldAccess(m, i.then_value, rest, span);
    auto b = FieldAccess(m, i.else_value, rest, span);
    if (!a || !b) return std::nullopt;
    ExprId c = Lower(m, i.cond);
    const Node& n = out_.nodes[*a];
    return AddNode(Op::If, n.kind, n.element, {c, *a, *b}, 0, span);
  }
  return std::nullopt;
}

ExprId Lowerer::LowerCall(ModuleId m, const ast::CallExpr& e) {
  Type type = checked_.TypeOf(m, e.id);
  const std::string& f = e.function.text;
  const rt::BuiltinInfo* builtin = rt::FindBuiltin(f);
  if (builtin == nullptr) return Fail(e.span, "unknown function " + f);
  if (builtin->id == Builtin::Has) {
    auto path = e.args.empty() ? std::nullopt : FieldPath(m, e.args[0]);
    if (!path) return Fail(e.span, "has() of something other than an input field");
    return AddNode(Op::Has, rt::ValueKind::Bool, rt::ValueKind::Unknown, {},
                   slot_of_path_.at(*path), e.span);
  }
  std::vector<ExprId> args;
  for (const ast::Expr* a : e.args) args.push_back(Lower(m, a));
  if (args.size() == 2 && builtin->args[1] == rt::BuiltinArg::Needle &&
      IsCollection(out_.nodes[args[0]].kind)) {
    // contains(set<code>, "x"): the element converts like `"x" in set`.
    args[1] = Convert(args[1], out_.nodes[args[0]].element, rt::ValueKind::Unknown);
  }
  if (builtin->result == rt::BuiltinResult::Common) {
    for (ExprId& a : args) a = ConvertTo(a, type);
  }
  return AddNode(Op::Call, KindOf(type.kind()), ElementKindOf(type), args,
                 static_cast<uint32_t>(builtin->id), e.span);
}

ExprId Lowerer::LowerUnary(ModuleId m, const ast::UnaryExpr& e) {
  ExprId x = Lower(m, e.operand);
  const Node& n = out_.nodes[x];
  if (e.op == ast::UnaryOp::Not) {
    return AddNode(Op::Not, rt::ValueKind::Bool, rt::ValueKind::Unknown, {x}, 0, e.span);
  }
  // `-5`, `-0.25`, `-10 USD` are literals to a reader; fold them so tests' given records and
  // lets stay constants.
  if (n.op == Op::Const) {
    rt::Value v = out_.constants[n.imm];
    bool folded = true;
    if (v.kind == rt::ValueKind::Int && v.i != INT64_MIN) {
      v.i = -v.i;
    } else if (v.kind == rt::ValueKind::Decimal || v.kind == rt::ValueKind::Money) {
      v.dec.units = -v.dec.units;
    } else {
      folded = false;
    }
    if (folded) return ConstNode(v, rt::ValueKind::Unknown, e.span);
  }
  return AddNode(Op::Neg, n.kind, rt::ValueKind::Unknown, {x}, 0, e.span);
}

void Lowerer::FlattenLogic(ModuleId m, const ast::Expr* e, ast::BinaryOp op,
                           std::vector<ExprId>* out) {
  if (e != nullptr && e->kind == ast::ExprKind::Binary && e->As<ast::BinaryExpr>().op == op) {
    const auto& b = e->As<ast::BinaryExpr>();
    FlattenLogic(m, b.lhs, op, out);
    FlattenLogic(m, b.rhs, op, out);
    return;
  }
  out->push_back(Lower(m, e));
}

ExprId Lowerer::LowerBinary(ModuleId m, const ast::BinaryExpr& e) {
  using B = ast::BinaryOp;
  Type type = checked_.TypeOf(m, e.id);
  rt::ValueKind kind = KindOf(type.kind());
  if (e.op == B::And || e.op == B::Or) {
    std::vector<ExprId> ops;
    FlattenLogic(m, &e, e.op, &ops);
    return AddNode(e.op == B::And ? Op::And : Op::Or, rt::ValueKind::Bool, rt::ValueKind::Unknown,
                   ops, 0, e.span);
  }
  if (e.op == B::In || e.op == B::NotIn) {
    const sema::NameRef* ref = e.rhs ? checked_.RefOf(m, e.rhs->id) : nullptr;
    if (ref != nullptr && ref->kind == sema::RefKind::Group) {
      ExprId x = Lower(m, e.lhs);
      return AddNode(e.op == B::In ? Op::InGroup : Op::NotInGroup, rt::ValueKind::Bool,
                     rt::ValueKind::Unknown, {x}, GroupOf(ref->symbol), e.span);
    }
    ExprId x = Lower(m, e.lhs);
    ExprId s = Lower(m, e.rhs);
    // The element and the collection meet at their common type (string -> code, int -> decimal).
    Type lt = checked_.TypeOf(m, e.lhs->id);
    Type rt_ = checked_.TypeOf(m, e.rhs->id);
    bool ok = true;
    Type common = sema::CommonType(lt, rt_.element(), &ok);
    if (ok && !common.is_error()) {
      x = ConvertTo(x, common);
      s = Convert(s, out_.nodes[s].kind, KindOf(common.kind()));
    }
    return AddNode(e.op == B::In ? Op::In : Op::NotIn, rt::ValueKind::Bool, rt::ValueKind::Unknown,
                   {x, s}, 0, e.span);
  }
  if (e.op == B::Matches) {
    const sema::NameRef* ref = e.rhs ? checked_.RefOf(m, e.rhs->id) : nullptr;
    if (ref != nullptr && ref->kind == sema::RefKind::List) {
      return LowerScreen(m, e.lhs, e.rhs, rt::ScreenPart::Matches, e.span);
    }
  }
  ExprId l = Lower(m, e.lhs);
  ExprId r = Lower(m, e.rhs);
  Op op = Op::Eq;
  switch (e.op) {
    case B::Eq: op = Op::Eq; break;
    case B::Ne: op = Op::Ne; break;
    case B::Lt: op = Op::Lt; break;
    case B::Le: op = Op::Le; break;
    case B::Gt: op = Op::Gt; break;
    case B::Ge: op = Op::Ge; break;
    case B::Under: op = Op::Under; break;
    case B::NotUnder: op = Op::NotUnder; break;
    case B::Matches: op = Op::Matches; break;
    case B::Add: op = Op::Add; break;
    case B::Sub: op = Op::Sub; break;
    case B::Mul: op = Op::Mul; break;
    case B::Div: op = Op::Div; break;
    case B::Mod: op = Op::Mod; break;
    default: return Fail(e.span, "unexpected binary operator");
  }
  if (ast::IsComparison(e.op) && op != Op::Under && op != Op::NotUnder && op != Op::Matches) {
    // Both sides of a comparison have one kind: `eccn == "EAR99"` compares codes, `1 < 0.5`
    // decimals.
    bool ok = true;
    Type common =
        sema::CommonType(checked_.TypeOf(m, e.lhs->id), checked_.TypeOf(m, e.rhs->id), &ok);
    if (ok && !common.is_error()) {
      l = ConvertTo(l, common);
      r = ConvertTo(r, common);
    }
    return AddNode(op, rt::ValueKind::Bool, rt::ValueKind::Unknown, {l, r}, 0, e.span);
  }
  if (op == Op::Under || op == Op::NotUnder) {
    const Node& rn = out_.nodes[r];
    r = IsCollection(rn.kind) ? Convert(r, rn.kind, rt::ValueKind::Code)
                              : Convert(r, rt::ValueKind::Code, rt::ValueKind::Unknown);
    return AddNode(op, rt::ValueKind::Bool, rt::ValueKind::Unknown, {l, r}, 0, e.span);
  }
  if (op == Op::Matches) {
    return AddNode(op, rt::ValueKind::Bool, rt::ValueKind::Unknown, {l, r}, 0, e.span);
  }
  // Arithmetic: numbers meet at decimal unless both are int; money scales by a decimal.
  if (kind == rt::ValueKind::Decimal || kind == rt::ValueKind::Money) {
    if (out_.nodes[l].kind == rt::ValueKind::Int) l = Convert(l, rt::ValueKind::Decimal, {});
    if (out_.nodes[r].kind == rt::ValueKind::Int) r = Convert(r, rt::ValueKind::Decimal, {});
  }
  return AddNode(op, kind, rt::ValueKind::Unknown, {l, r}, 0, e.span);
}

ExprId Lowerer::LowerCollection(ModuleId m, const ast::Expr& e,
                                const std::vector<ast::Expr*>& elements, bool is_set) {
  Type type = checked_.TypeOf(m, e.id);
  rt::ValueKind kind = is_set ? rt::ValueKind::Set : rt::ValueKind::List;
  rt::ValueKind element = ElementKindOf(type);
  std::vector<ExprId> items;
  bool all_const = true;
  for (const ast::Expr* x : elements) {
    ExprId id = Lower(m, x);
    if (type.is_collection()) id = ConvertTo(id, type.element());
    all_const = all_const && IsConst(id);
    items.push_back(id);
  }
  if (all_const) {
    std::vector<rt::Value> values;
    for (ExprId id : items) values.push_back(ConstOf(id));
    return ConstNode(StoreItems(kind, std::move(values)), element, e.span);
  }
  return AddNode(is_set ? Op::MakeSet : Op::MakeList, kind, element, items, 0, e.span);
}

// ---------------------------------------------------------------------------------------------
// Declarations.

ExprId Lowerer::DestinationTest(ModuleId m, const sema::Destination& d, bool negate) {
  ExprId field = SlotNode(slot_of_path_.at("destination"), d.span);
  switch (d.kind) {
    case sema::Destination::Kind::Country: {
      ExprId c = ConstNode(rt::Value::Country(d.country), rt::ValueKind::Unknown, d.span);
      return AddNode(negate ? Op::Ne : Op::Eq, rt::ValueKind::Bool, rt::ValueKind::Unknown,
                     {field, c}, 0, d.span);
    }
    case sema::Destination::Kind::Group:
      return AddNode(negate ? Op::NotInGroup : Op::InGroup, rt::ValueKind::Bool,
                     rt::ValueKind::Unknown, {field}, GroupOf(d.symbol), d.span);
    case sema::Destination::Kind::Let: {
      ExprId set = LetValue(d.symbol);
      if (set != kNone && IsConst(set)) {
        const Node& n = out_.nodes[set];
        set = AddNode(Op::Const, n.kind, n.element, {}, n.imm, d.span);
      }
      return AddNode(negate ? Op::NotIn : Op::In, rt::ValueKind::Bool, rt::ValueKind::Unknown,
                     {field, set}, 0, d.span);
    }
  }
  (void)m;
  return Fail(d.span, "unknown destination kind");
}

// `to A, B except C, D` becomes `(dest == A or dest in B) and dest != C and dest not in D`:
// the excepts stay separate conjuncts so an explanation can name the one that excluded a record.
ExprId Lowerer::Destinations(ModuleId m, const sema::CheckedDestinations& to, Span span) {
  std::vector<ExprId> conjuncts;
  if (!to.any) {
    std::vector<ExprId> alternatives;
    for (const sema::Destination& d : to.include)
      alternatives.push_back(DestinationTest(m, d, false));
    if (alternatives.size() == 1) {
      conjuncts.push_back(alternatives[0]);
    } else if (!alternatives.empty()) {
      conjuncts.push_back(
          AddNode(Op::Or, rt::ValueKind::Bool, rt::ValueKind::Unknown, alternatives, 0, span));
    }
  }
  for (const sema::Destination& d : to.except) conjuncts.push_back(DestinationTest(m, d, true));
  if (conjuncts.empty()) return kNone;
  if (conjuncts.size() == 1) return conjuncts[0];
  return AddNode(Op::And, rt::ValueKind::Bool, rt::ValueKind::Unknown, conjuncts, 0, span);
}

void Lowerer::FlattenGiven(ModuleId m, const ast::Expr* given, const sema::RecordType* record,
                           const std::string& prefix, Test* test) {
  if (given == nullptr || given->kind != ast::ExprKind::Record) return;  // `{}`: nothing given
  for (const ast::RecordFieldInit& init : given->As<ast::RecordExpr>().fields) {
    const sema::RecordField* f = record->Find(init.name.text);
    auto slot = slot_of_path_.find(prefix + init.name.text);
    if (f == nullptr || slot == slot_of_path_.end()) {
      Fail(init.name.span, "test field without a slot");
      continue;
    }
    if (f->type.kind() == TypeKind::Record) {
      test->given.emplace_back(slot->second, AddConst(rt::Value::RecordPresent()));
      FlattenGiven(m, init.value, f->type.record(), prefix + init.name.text + ".", test);
      continue;
    }
    ExprId v = LowerAs(m, init.value, f->type);
    if (!IsConst(v)) {
      Fail(init.value ? init.value->span : init.name.span,
           "a test's given value is not a constant");
      continue;
    }
    test->given.emplace_back(slot->second, out_.nodes[v].imm);
  }
}

void Lowerer::LowerPolicy(const sema::CheckedModule& m) {
  Policy p;
  p.name = m.name;
  p.path = m.path;
  if (const ast::PolicyDecl* pd = m.ast ? m.ast->policy() : nullptr) {
    p.title = TextOf(pd->title);
    p.version = TextOf(pd->version);
    if (pd->jurisdiction) p.jurisdiction = pd->jurisdiction->text;
  }
  if (m.default_decl != nullptr) {
    p.default_effect = m.default_decl->effect.effect;
    p.default_license = TextOf(m.default_decl->effect.license_name);
  }
  std::map<const sema::CheckedSuspension*, SuspensionId> suspension_ids;
  for (const auto& cs : m.suspensions) {
    Suspension s;
    s.at = At(cs->decl->span);
    s.period = PeriodOf(cs->period);
    s.because = TextOf(cs->decl->because);
    s.cite = TextOf(cs->decl->cite);
    suspension_ids[cs.get()] = static_cast<SuspensionId>(p.suspensions.size());
    p.suspensions.push_back(std::move(s));
  }
  auto suspensions_of = [&](const std::vector<const sema::CheckedSuspension*>& list) {
    std::vector<SuspensionId> ids;
    for (const auto* cs : list) ids.push_back(suspension_ids.at(cs));
    return ids;
  };
  std::map<const sema::Symbol*, RuleId> rule_ids;
  for (const sema::CheckedRule& cr : m.rules) {
    rule_ids[cr.symbol] = static_cast<RuleId>(rule_ids.size());
  }
  std::map<const sema::Symbol*, ExceptionId> exception_ids;
  for (const sema::CheckedException& ce : m.exceptions) {
    exception_ids[ce.symbol] = static_cast<ExceptionId>(exception_ids.size());
  }

  for (const sema::CheckedRule& cr : m.rules) {
    const ast::RuleDecl& d = *cr.decl;
    Rule r;
    r.name = cr.symbol->name;
    r.effect = d.effect.effect;
    r.license = TextOf(d.effect.license_name);
    r.because = TextOf(d.clauses.because);
    r.cite = TextOf(d.clauses.cite);
    r.at = At(d.span);
    r.span = d.span;
    r.period = PeriodOf(cr.period);
    r.suspensions = suspensions_of(cr.suspensions);
    if (cr.scope_class != nullptr) {
      Span span = d.class_name ? d.class_name->span : d.span;
      r.scope_class = AddNode(Op::ClassRef, rt::ValueKind::Bool, rt::ValueKind::Unknown, {},
                              ClassOf(cr.scope_class), span);
    }
    if (cr.to) r.destination = Destinations(m.id, *cr.to, d.to ? d.to->span : d.span);
    if (d.clauses.when) r.when = Lower(m.id, d.clauses.when);
    if (d.clauses.unless) r.unless = Lower(m.id, d.clauses.unless);
    for (const sema::Symbol* x : cr.waived_by) r.waived_by.push_back(exception_ids.at(x));
    p.rules.push_back(std::move(r));
  }
  for (const sema::CheckedException& ce : m.exceptions) {
    const ast::ExceptionDecl& d = *ce.decl;
    Exception x;
    x.name = ce.symbol->name;
    x.at = At(d.span);
    x.span = d.span;
    x.period = PeriodOf(ce.period);
    x.suspensions = suspensions_of(ce.suspensions);
    if (d.clauses.when) x.when = Lower(m.id, d.clauses.when);
    if (d.clauses.unless) x.unless = Lower(m.id, d.clauses.unless);
    x.because = TextOf(d.clauses.because);
    x.cite = TextOf(d.clauses.cite);
    for (const sema::Symbol* r : ce.rules) x.rules.push_back(rule_ids.at(r));
    p.exceptions.push_back(std::move(x));
  }
  for (const sema::CheckedTest& ct : m.tests) {
    const ast::TestDecl& d = *ct.decl;
    Test t;
    t.name = d.name.value;
    t.at = At(d.span);
    FlattenGiven(m.id, d.given, input_, "", &t);
    t.expect = d.expect.effect;
    t.expect_license = TextOf(d.expect.license_name);
    for (const sema::Symbol* s : ct.by) t.by.push_back(s->name);
    p.tests.push_back(std::move(t));
  }
  out_.policies.push_back(std::move(p));
}

bool Lowerer::Run() {
  for (size_t i = 0; i < sources_.size(); ++i) {
    const SourceFile& f = sources_.Get(static_cast<FileId>(i));
    out_.sources.emplace_back(f.path(), f.text());
  }
  if (!BuildLayout()) return false;
  for (ModuleId r : checked_.roots()) LowerPolicy(checked_.module(r));
  if (const sema::Symbol* probe = checked_.probe()) {
    const ast::Expr* e = sema::CheckedProgram::ValueOf(probe);
    Probe& p = out_.probe.emplace();
    p.is_record = checked_.probe_is_record();
    if (p.is_record) {
      Test given;
      FlattenGiven(probe->module, e, input_, "", &given);
      p.record = std::move(given.given);
    } else if (e != nullptr) {
      p.value = Lower(probe->module, e);
    }
  }
  if (!problems_.empty()) {
    // A checked program should always lower; reaching here is a compiler bug, not a user error.
    for (const std::string& p : problems_) {
      std::fprintf(stderr, "licit: internal error: lowering: %s\n", p.c_str());
    }
    return false;
  }
  return true;
}

// Drops the nodes and constants that lowering made but nothing uses (a literal's node before its
// conversion was folded, the elements of a constant set), keeping index order, so both engines
// and the listing see only live code.
void Compact(Program& p) {
  std::vector<bool> live(p.nodes.size(), false);
  std::vector<ExprId> stack;
  auto root = [&](ExprId id) {
    if (id != kNone && id < p.nodes.size()) stack.push_back(id);
  };
  for (const Class& c : p.classes) root(c.predicate);
  if (p.probe) root(p.probe->value);
  for (const Policy& pol : p.policies) {
    for (const Rule& r : pol.rules) {
      root(r.scope_class);
      root(r.destination);
      root(r.when);
      root(r.unless);
    }
    for (const Exception& x : pol.exceptions) {
      root(x.when);
      root(x.unless);
    }
  }
  while (!stack.empty()) {
    ExprId id = stack.back();
    stack.pop_back();
    if (live[id]) continue;
    live[id] = true;
    const Node& n = p.nodes[id];
    for (uint32_t i = 0; i < n.count; ++i) stack.push_back(p.operands[n.first + i]);
  }
  std::vector<ExprId> node_map(p.nodes.size(), kNone);
  std::vector<Node> nodes;
  std::vector<ExprId> operands;
  std::vector<bool> const_live(p.constants.size(), false);
  for (ExprId id = 0; id < p.nodes.size(); ++id) {
    if (!live[id]) continue;
    Node n = p.nodes[id];
    uint32_t first = static_cast<uint32_t>(operands.size());
    for (uint32_t i = 0; i < n.count; ++i) operands.push_back(node_map[p.operands[n.first + i]]);
    n.first = first;
    if (n.op == Op::Const) const_live[n.imm] = true;
    node_map[id] = static_cast<ExprId>(nodes.size());
    nodes.push_back(n);
  }
  for (const Policy& pol : p.policies) {
    for (const Test& t : pol.tests) {
      for (const auto& given : t.given) const_live[given.second] = true;
    }
  }
  if (p.probe) {
    for (const auto& given : p.probe->record) const_live[given.second] = true;
  }
  std::vector<ConstId> const_map(p.constants.size(), kNone);
  std::vector<rt::Value> constants;
  for (ConstId c = 0; c < p.constants.size(); ++c) {
    if (!const_live[c]) continue;
    const_map[c] = static_cast<ConstId>(constants.size());
    constants.push_back(p.constants[c]);
  }
  for (Node& n : nodes) {
    if (n.op == Op::Const) n.imm = const_map[n.imm];
  }
  auto remap = [&](ExprId& id) {
    if (id != kNone) id = node_map[id];
  };
  for (Class& c : p.classes) remap(c.predicate);
  if (p.probe) {
    remap(p.probe->value);
    for (auto& given : p.probe->record) given.second = const_map[given.second];
  }
  for (Policy& pol : p.policies) {
    for (Rule& r : pol.rules) {
      remap(r.scope_class);
      remap(r.destination);
      remap(r.when);
      remap(r.unless);
    }
    for (Exception& x : pol.exceptions) {
      remap(x.when);
      remap(x.unless);
    }
    for (Test& t : pol.tests) {
      for (auto& given : t.given) given.second = const_map[given.second];
    }
  }
  p.nodes = std::move(nodes);
  p.operands = std::move(operands);
  p.constants = std::move(constants);
}

}  // namespace

std::unique_ptr<Program> Lower(const sema::CheckedProgram& checked, const SourceManager& sources,
                               DiagnosticSink& diags) {
  auto program = std::make_unique<Program>();
  Lowerer lowerer(checked, sources, diags, *program);
  if (!lowerer.Run()) return nullptr;
  Compact(*program);
  program->rule_index = BuildRuleIndex(*program);
  for (Policy& policy : program->policies) {
    for (Rule& r : policy.rules) {
      for (ExprId part : {r.scope_class, r.destination, r.when}) {
        for (ExprId s : ScreensIn(*program, part)) {
          if (std::find(r.screens.begin(), r.screens.end(), s) == r.screens.end()) {
            r.screens.push_back(s);
          }
        }
      }
    }
  }
  // Entries listed or delisted on a date make screening depend on the day judged.
  for (const rt::ScreenList& l : program->lists) {
    for (const screening::Entry& e : l.list->entries()) {
      program->dated |= e.listed != INT32_MIN || e.delisted != INT32_MAX;
    }
  }
  // Does any decision depend on the date? Only then must a record carry one (language.md 5).
  auto dated = [](const Period& p) { return !p.open(); };
  for (const Policy& policy : program->policies) {
    for (const Rule& r : policy.rules) program->dated |= dated(r.period);
    for (const Exception& e : policy.exceptions) program->dated |= dated(e.period);
    program->dated |= !policy.suspensions.empty();
  }
  for (const Group& g : program->groups) {
    for (const auto& [country, periods] : g.members) {
      for (const Period& p : periods) program->dated |= dated(p);
    }
  }
  return program;
}

}  // namespace licit::ir
