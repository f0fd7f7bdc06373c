// Expression checking: name resolution inside expressions, types (language.md sections 6-7),
// implicit conversions, standard functions and record literals.
#include <algorithm>

#include <fmt/format.h>

#include "base/check.h"
#include "base/country_names.h"
#include "base/did_you_mean.h"
#include "base/iso_codes.h"
#include "core/builtins.h"
#include "frontend/sema/checker_internal.h"

namespace licit::sema {
namespace {

// The standard functions' names, in the registry's order (core/builtins.def).
const std::vector<std::string>& FunctionNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const rt::BuiltinInfo& b : rt::AllBuiltins()) names.emplace_back(b.name);
    return names;
  }();
  return kNames;
}

// What the checker's message says a function expects where it found something else.
const char* Expected(rt::BuiltinArg arg) {
  switch (arg) {
    case rt::BuiltinArg::Text: return "a `string`";
    case rt::BuiltinArg::CodeLike: return "a `string` or `code`";
    case rt::BuiltinArg::Sized:
    case rt::BuiltinArg::Searchable: return "a string, set or list";
    case rt::BuiltinArg::Needle: return "a `string`";
    case rt::BuiltinArg::Date: return "a `date`";
    case rt::BuiltinArg::Money: return "`money`";
    case rt::BuiltinArg::Signed: return "a number or money";
    case rt::BuiltinArg::Ordered: return "numbers, dates or money";
    case rt::BuiltinArg::FieldPath:
    case rt::BuiltinArg::None: break;
  }
  LICIT_UNREACHABLE("FieldPath and None are not checked by kind");
}

bool IsUpperTwoLetterString(const ast::Expr* e) {
  if (e == nullptr || e->kind != ast::ExprKind::String) return false;
  const std::string& v = e->As<ast::StringExpr>().value;
  return v.size() == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z';
}

bool IsCodeLike(const Type& t) {
  return t.is_error() || t.kind() == TypeKind::Code || t.kind() == TypeKind::String;
}

}  // namespace

void Checker::SetType(CheckedModule& m, const ast::Expr* e, const Type& t) {
  if (e->id >= m.types.size()) m.types.resize(e->id + 1, Type::Error());
  m.types[e->id] = t;
}

Type Checker::Check(const ast::Expr* e, ExprContext& ctx) {
  if (e == nullptr) return Type::Error();
  Type t = CheckUncached(e, ctx);
  SetType(*ctx.module, e, t);
  return t;
}

void Checker::ReportMismatch(Span span, const Type& expected, const Type& found,
                             const ast::Expr* found_expr, const std::string& message) {
  if (expected.contains_error() || found.contains_error()) return;
  auto& d = diags_.Report(DiagKind::TypeMismatch, span, message);
  d.Label(fmt::format("expected `{}`, found `{}`", expected.ToString(), found.ToString()));
  if (expected.kind() == TypeKind::Country && IsUpperTwoLetterString(found_expr)) {
    const std::string& v = found_expr->As<ast::StringExpr>().value;
    if (FindCountry(v)) {
      d.Help(fmt::format("`\"{}\"` is a string; did you mean the country `{}`?", v, v));
    }
  } else if (expected.kind() == TypeKind::Country && found_expr != nullptr &&
             found_expr->kind == ast::ExprKind::String) {
    // A country written as its name or an export-control alias: `"Burma"` is `MM`.
    const std::string& v = found_expr->As<ast::StringExpr>().value;
    if (auto c = FindCountryByName(v)) {
      const CountryInfo& info = AllCountries()[*c];
      d.Help(fmt::format("`\"{}\"` is a string; the country {} is written `{}`", v, info.name,
                         info.code));
    }
  } else if (expected.kind() == TypeKind::Date && found.kind() == TypeKind::String) {
    d.Help("write dates without quotes: `2026-01-06`");
  } else if (expected.kind() == TypeKind::Money && found.is_numeric()) {
    d.Help("money literals carry a currency: `1500 USD`");
  }
}

void Checker::ExpectType(const ast::Expr* e, const Type& actual, const Type& expected,
                         ExprContext& ctx, const std::string& what) {
  if (e == nullptr) return;
  if (!IsAssignable(actual, expected)) {
    ReportMismatch(e->span, expected, actual, e,
                   fmt::format("mismatched types: {} expects `{}`, found `{}`", what,
                               expected.ToString(), actual.ToString()));
    return;
  }
  // A string (or strings) where a code is expected: the literals must be valid codes.
  bool to_code = expected.kind() == TypeKind::Code ||
                 (expected.is_collection() && expected.element().kind() == TypeKind::Code);
  if (to_code) ValidateCodes(e, ctx);
}

void Checker::ValidateCodes(const ast::Expr* e, ExprContext& ctx) {
  if (e == nullptr) return;
  switch (e->kind) {
    case ast::ExprKind::String: {
      const std::string& v = e->As<ast::StringExpr>().value;
      if (!IsValidCode(v)) {
        diags_
            .Report(DiagKind::InvalidCode, e->span,
                    fmt::format("`\"{}\"` is not a valid classification code", v))
            .Label("used as a code here")
            .Help(
                "a code is segments of letters and digits separated by `.`, like `3A001.a.2` "
                "or `8542.31`");
      }
      return;
    }
    case ast::ExprKind::Set:
      for (const ast::Expr* x : e->As<ast::SetExpr>().elements) ValidateCodes(x, ctx);
      return;
    case ast::ExprKind::List:
      for (const ast::Expr* x : e->As<ast::ListExpr>().elements) ValidateCodes(x, ctx);
      return;
    case ast::ExprKind::If:
      ValidateCodes(e->As<ast::IfExpr>().then_value, ctx);
      ValidateCodes(e->As<ast::IfExpr>().else_value, ctx);
      return;
    case ast::ExprKind::Name: {
      // Through a let too; each let is validated once, in its own module.
      const NameRef* ref = program_.RefOf(ctx.module->id, e->id);
      if (ref == nullptr || ref->kind != RefKind::Let || ref->symbol == nullptr) return;
      if (!codes_validated_.insert(ref->symbol).second) return;
      ExprContext inner;
      inner.module = &program_.mutable_module(ref->symbol->module);
      ValidateCodes(CheckedProgram::ValueOf(ref->symbol), inner);
      return;
    }
    default: return;
  }
}

void Checker::CheckCondition(const ast::Expr* e, ExprContext& ctx, const char* what) {
  if (e == nullptr) return;
  Type t = Check(e, ctx);
  if (t.contains_error() || t.kind() == TypeKind::Bool) return;
  diags_
      .Report(DiagKind::ConditionNotBool, e->span,
              fmt::format("{} must be a condition (a `bool`), found `{}`", what, t.ToString()))
      .Label(fmt::format("this is `{}`", t.ToString()))
      .Help("compare it with something, e.g. `x == value` or `x in {...}`");
}

Type Checker::RefType(const NameRef& ref, const ast::Expr& e, ExprContext& ctx, bool allow_group,
                      const std::string& shown) {
  CheckedModule& m = *ctx.module;
  m.refs[e.id] = ref;
  if (ref.symbol) MarkUsed(m, ref.symbol);
  if (ctx.let != nullptr && ref.kind != RefKind::Let && ref.kind != RefKind::Country) {
    const char* what = ref.kind == RefKind::InputField ? "an input field"
                       : ref.kind == RefKind::Class    ? "a class"
                       : ref.kind == RefKind::List     ? "a list"
                                                       : "a group";
    diags_
        .Report(DiagKind::LetNotConstant, e.span,
                fmt::format("let `{}` uses {} `{}`", ctx.let->name, what, shown))
        .Label("not a constant")
        .Also(ctx.let->name_span, "let declared here")
        .Help(
            "a let is built from literals and other lets only; use a `class` for conditions "
            "on the record");
    return Type::Error();
  }
  switch (ref.kind) {
    case RefKind::InputField: return ref.field->type;
    case RefKind::Country: return Type::Country();
    case RefKind::Class: return in_cycle_.count(ref.symbol) ? Type::Error() : Type::Bool();
    case RefKind::Let: return in_cycle_.count(ref.symbol) ? Type::Error() : ref.symbol->type;
    case RefKind::Group:
      if (allow_group) return Type::Group();
      diags_.Report(DiagKind::GroupAsValue, e.span, fmt::format("group `{}` is not a value", shown))
          .Label("a group")
          .Also(ref.symbol->name_span, "declared here")
          .Help(fmt::format("test membership with `destination in {}`", shown));
      return Type::Error();
    case RefKind::List:
      if (allow_group) return Type::PartyList();
      diags_.Report(DiagKind::ListAsValue, e.span, fmt::format("list `{}` is not a value", shown))
          .Label("a restricted-party list")
          .Also(ref.symbol->name_span, "declared here")
          .Help(fmt::format("screen a party against it with `end_user matches {}`, or take its "
                            "best entry with `match(end_user, {}).name`",
                            shown, shown));
      return Type::Error();
  }
  LICIT_UNREACHABLE("a RefKind outside the enum");
}

Type Checker::CheckName(const ast::NameExpr& e, ExprContext& ctx, bool allow_group) {
  CheckedModule& m = *ctx.module;
  NameRef ref;
  {
    auto it = m.scope.find(e.name);
    if (it != m.scope.end()) {
      const Symbol* s = it->second;
      switch (s->kind) {
        case SymbolKind::Let:
          ref.kind = RefKind::Let;
          ref.symbol = s;
          break;
        case SymbolKind::Class:
          ref.kind = RefKind::Class;
          ref.symbol = s;
          break;
        case SymbolKind::Group:
          ref.kind = RefKind::Group;
          ref.symbol = s;
          break;
        case SymbolKind::List:
          ref.kind = RefKind::List;
          ref.symbol = s;
          break;
        default: {
          MarkUsed(m, s);
          // A field takes precedence over a misnamed declaration (already reported).
          if (m.input && m.input->Find(e.name)) break;
          diags_
              .Report(
                  DiagKind::WrongKindOfName, e.span,
                  fmt::format("`{}` is {} {}, not a value", e.name,
                              s->kind == SymbolKind::ImportAlias || s->kind == SymbolKind::Exception
                                  ? "an"
                                  : "a",
                              SymbolKindName(s->kind)))
              .Label("used as a value here")
              .Also(s->name_span, "declared here")
              .Help(s->kind == SymbolKind::ImportAlias
                        ? "write `Alias.Name` to use a name from the imported module"
                        : "expressions use input fields, lets, classes, groups and literals");
          return Type::Error();
        }
      }
      if (ref.symbol) return RefType(ref, e, ctx, allow_group, e.name);
    }
  }
  if (m.input != nullptr) {
    if (const RecordField* f = m.input->Find(e.name)) {
      ref.kind = RefKind::InputField;
      ref.field = f;
      return RefType(ref, e, ctx, allow_group, e.name);
    }
  }
  if (auto c = FindCountry(e.name)) {
    ref.kind = RefKind::Country;
    ref.country = *c;
    return RefType(ref, e, ctx, allow_group, e.name);
  }
  ReportUnknownName(m, e.name, e.span);
  return Type::Error();
}

Type Checker::CheckField(const ast::FieldExpr& e, ExprContext& ctx, bool allow_group) {
  CheckedModule& m = *ctx.module;
  // `T.Name` through an import alias.
  if (e.object != nullptr && e.object->kind == ast::ExprKind::Name) {
    const auto& obj = e.object->As<ast::NameExpr>();
    auto it = m.scope.find(obj.name);
    if (it != m.scope.end() && it->second->kind == SymbolKind::ImportAlias) {
      const Symbol* alias = it->second;
      MarkUsed(m, alias);
      const CheckedModule& target = program_.module(alias->alias_target);
      auto x = target.exports.find(e.field.text);
      std::string shown = obj.name + "." + e.field.text;
      if (x == target.exports.end() || x->second->kind == SymbolKind::Record) {
        std::vector<std::string> names;
        for (const auto& [n, s] : target.exports) {
          if (s->kind != SymbolKind::Record) names.push_back(n);
        }
        auto& d =
            diags_.Report(DiagKind::UnknownName, e.field.span,
                          fmt::format("module `{}` has no value `{}`", target.name, e.field.text));
        d.Label(fmt::format("not in `{}`", target.name));
        if (auto best = ClosestMatch(e.field.text, names)) {
          d.Help(fmt::format("did you mean `{}.{}`?", obj.name, *best));
        }
        return Type::Error();
      }
      NameRef ref;
      ref.symbol = x->second;
      ref.kind = x->second->kind == SymbolKind::Let     ? RefKind::Let
                 : x->second->kind == SymbolKind::Class ? RefKind::Class
                 : x->second->kind == SymbolKind::List  ? RefKind::List
                                                        : RefKind::Group;
      return RefType(ref, e, ctx, allow_group, shown);
    }
  }
  Type object = IsMatchCall(e.object) ? CheckMatchCall(e.object->As<ast::CallExpr>(), ctx)
                                      : Check(e.object, ctx);
  if (IsMatchCall(e.object)) SetType(m, e.object, object);
  if (object.is_error()) return Type::Error();
  if (object.kind() != TypeKind::Record || object.record() == nullptr) {
    diags_
        .Report(DiagKind::InvalidFieldAccess, e.field.span,
                fmt::format("`{}` has no fields", object.ToString()))
        .Label(fmt::format("field access on a value of type `{}`", object.ToString()))
        .Help("only records have fields");
    return Type::Error();
  }
  const RecordType* rec = object.record();
  if (const RecordField* f = rec->Find(e.field.text)) return f->type;
  auto& d = diags_.Report(DiagKind::UnknownField, e.field.span,
                          fmt::format("record `{}` has no field `{}`", rec->name, e.field.text));
  d.Label("unknown field");
  if (auto best = ClosestMatch(e.field.text, rec->FieldNames())) {
    d.Help(fmt::format("did you mean `{}`?", *best));
  } else {
    std::string all;
    for (const auto& f : rec->fields) all += (all.empty() ? "" : ", ") + f.name;
    d.Note(fmt::format("`{}` has the fields {}", rec->name, all));
  }
  return Type::Error();
}

const RecordField* Checker::FieldPath(const ast::Expr* e, CheckedModule& m, bool* any_optional) {
  // Iterative walk down `a.b.c`: the optionality of each step decides whether has() can be false.
  const RecordField* last = nullptr;
  bool first = true;
  while (e != nullptr) {
    if (e->kind == ast::ExprKind::Name) {
      const NameRef* ref = program_.RefOf(m.id, e->id);
      if (ref == nullptr || ref->kind != RefKind::InputField) return nullptr;
      if (ref->field->optional) *any_optional = true;
      return first ? ref->field : last;
    }
    if (e->kind != ast::ExprKind::Field) return nullptr;
    const auto& f = e->As<ast::FieldExpr>();
    Type object = program_.TypeOf(m.id, f.object ? f.object->id : 0);
    if (f.object == nullptr || object.kind() != TypeKind::Record) return nullptr;
    const RecordField* field = object.record()->Find(f.field.text);
    if (field == nullptr) return nullptr;
    if (field->optional) *any_optional = true;
    if (first) last = field;
    first = false;
    e = f.object;
  }
  return nullptr;
}

bool Checker::IsMatchCall(const ast::Expr* e) {
  return e != nullptr && e->kind == ast::ExprKind::Call &&
         e->As<ast::CallExpr>().function.text == "match";
}

// The party of `P matches L` or match(P, L): a field of the input record (at any depth) whose
// record type has `name: string` (and maybe `country: country`). Reports E0609 otherwise.
bool Checker::CheckParty(const ast::Expr* party, const Type& type, ExprContext& ctx,
                         const std::string& what) {
  if (party == nullptr || type.contains_error()) return false;
  const RecordField* name = nullptr;
  if (type.kind() == TypeKind::Record && type.record() != nullptr) {
    name = type.record()->Find("name");
  }
  bool any_optional = false;
  bool is_field = FieldPath(party, *ctx.module, &any_optional) != nullptr;
  if (name != nullptr && name->type.kind() == TypeKind::String && is_field) {
    const RecordField* country = type.record()->Find("country");
    if (country == nullptr || country->type.kind() == TypeKind::Country) return true;
  }
  auto& d = diags_.Report(DiagKind::NotAParty, party->span,
                          fmt::format("{} needs a party, found `{}`", what, type.ToString()));
  d.Label(is_field || type.kind() != TypeKind::Record ? fmt::format("this is `{}`", type.ToString())
                                                      : "not a field of the input record");
  d.Help(
      "screening takes a field of the input record whose type has `name: string` (and optionally "
      "`country: country`), like `end_user` of type `Party`");
  return false;
}

Type Checker::CheckMatchCall(const ast::CallExpr& e, ExprContext& ctx) {
  if (e.args.size() != 2) {
    for (const ast::Expr* a : e.args) Check(a, ctx);
    diags_
        .Report(DiagKind::WrongArgumentCount, e.span,
                fmt::format("`match` takes 2 arguments but {} {} given", e.args.size(),
                            e.args.size() == 1 ? "was" : "were"))
        .Label("match(party, list)");
    return Type::Error();
  }
  Type party = Check(e.args[0], ctx);
  Type list = CheckSetRhs(e.args[1], ctx);
  bool ok = CheckParty(e.args[0], party, ctx, "`match`");
  if (!list.contains_error() && list.kind() != TypeKind::PartyList) {
    diags_
        .Report(
            DiagKind::TypeMismatch, e.args[1] ? e.args[1]->span : e.span,
            fmt::format("mismatched types: `match` expects a list, found `{}`", list.ToString()))
        .Label("not a `list` declaration")
        .Help("declare one with `list NAME = \"file.csv\"`");
    return Type::Error();
  }
  return ok && !list.contains_error() ? Type::RecordOf(MatchRecordType()) : Type::Error();
}

Type Checker::CheckCall(const ast::CallExpr& e, ExprContext& ctx) {
  const std::string& f = e.function.text;
  if (f == "match") {
    // match(P, L) is a record only to take a field of: match(P, L).name.
    Type t = CheckMatchCall(e, ctx);
    if (t.is_error()) return t;
    diags_
        .Report(DiagKind::TypeMismatch, e.span, "`match(...)` is a record: take one of its fields")
        .Label("a `Match` record")
        .Help(
            "use `.name`, `.id`, `.score`, `.source`, `.row` or `.list`, e.g. "
            "`match(end_user, jp-control).name`");
    return Type::Error();
  }
  const auto& names = FunctionNames();
  if (std::find(names.begin(), names.end(), f) == names.end()) {
    for (const ast::Expr* a : e.args) Check(a, ctx);
    auto& d = diags_.Report(DiagKind::UnknownFunction, e.function.span,
                            fmt::format("unknown function `{}`", f));
    d.Label("not a standard function");
    if (auto best = ClosestMatch(f, names)) d.Help(fmt::format("did you mean `{}`?", *best));
    else d.Note("the standard functions are " + fmt::format("{}", fmt::join(names, ", ")));
    return Type::Error();
  }
  const rt::BuiltinInfo& builtin = *rt::FindBuiltin(f);
  size_t want = builtin.arity;
  if (e.args.size() != want) {
    for (const ast::Expr* a : e.args) Check(a, ctx);
    diags_
        .Report(
            DiagKind::WrongArgumentCount, e.span,
            fmt::format("`{}` takes {} argument{} but {} {} given", f, want, want == 1 ? "" : "s",
                        e.args.size(), e.args.size() == 1 ? "was" : "were"))
        .Label(fmt::format("{} argument{}", e.args.size(), e.args.size() == 1 ? "" : "s"));
    return Type::Error();
  }
  if (builtin.id == rt::Builtin::Has) return CheckHas(e, ctx);
  std::vector<Type> args;
  for (const ast::Expr* a : e.args) args.push_back(Check(a, ctx));
  auto bad = [&](size_t i, const std::string& expected) {
    if (args[i].contains_error()) return Type::Error();
    diags_
        .Report(DiagKind::TypeMismatch, e.args[i] ? e.args[i]->span : e.span,
                fmt::format("mismatched types: `{}` expects {}, found `{}`", f, expected,
                            args[i].ToString()))
        .Label(fmt::format("this is `{}`", args[i].ToString()));
    return Type::Error();
  };
  // Whether argument i is of the kind the registry asks for (an erroneous one passes: it was
  // reported where it was made).
  auto accepts = [&](size_t i, rt::BuiltinArg kind) {
    const Type& t = args[i];
    if (t.is_error()) return true;
    switch (kind) {
      case rt::BuiltinArg::Text: return t.kind() == TypeKind::String;
      case rt::BuiltinArg::CodeLike: return IsCodeLike(t);
      case rt::BuiltinArg::Sized:
      case rt::BuiltinArg::Searchable: return t.kind() == TypeKind::String || t.is_collection();
      case rt::BuiltinArg::Date: return t.kind() == TypeKind::Date;
      case rt::BuiltinArg::Money: return t.kind() == TypeKind::Money;
      case rt::BuiltinArg::Signed: return t.is_numeric() || t.kind() == TypeKind::Money;
      case rt::BuiltinArg::Ordered:
        return t.is_numeric() || t.kind() == TypeKind::Money || t.kind() == TypeKind::Date;
      case rt::BuiltinArg::Needle:
      case rt::BuiltinArg::FieldPath:
      case rt::BuiltinArg::None: break;
    }
    LICIT_UNREACHABLE("Needle, FieldPath and None are checked apart");
  };
  for (size_t i = 0; i < want; ++i) {
    const rt::BuiltinArg kind = builtin.args[i];
    if (kind == rt::BuiltinArg::Needle && args[0].is_collection()) {
      // contains(set<T>, x): x must be a T.
      bool ok = true;
      CommonType(args[0].element(), args[i], &ok);
      if (!ok) return bad(i, fmt::format("an element of type `{}`", args[0].element().ToString()));
      if (args[0].element().kind() == TypeKind::Code) ValidateCodes(e.args[i], ctx);
      continue;
    }
    if (kind == rt::BuiltinArg::Needle) {
      if (!accepts(i, rt::BuiltinArg::Text)) return bad(i, Expected(kind));
      continue;
    }
    if (!accepts(i, kind)) return bad(i, Expected(kind));
  }
  switch (builtin.result) {
    case rt::BuiltinResult::Bool: return Type::Bool();
    case rt::BuiltinResult::Int: return Type::Int();
    case rt::BuiltinResult::Decimal: return Type::Decimal();
    case rt::BuiltinResult::String: return Type::String();
    case rt::BuiltinResult::First: return args[0];
    case rt::BuiltinResult::Common: {
      bool ok = true;
      Type common = CommonType(args[0], args[1], &ok);
      if (!ok) {
        return bad(1,
                   fmt::format("the same type as its first argument (`{}`)", args[0].ToString()));
      }
      return common;
    }
  }
  LICIT_UNREACHABLE("every BuiltinResult is handled");
}

// has(field): the argument must be an input field path; warns when the field cannot be missing.
Type Checker::CheckHas(const ast::CallExpr& e, ExprContext& ctx) {
  const Type arg = Check(e.args[0], ctx);
  bool any_optional = false;
  const RecordField* field = FieldPath(e.args[0], *ctx.module, &any_optional);
  if (field == nullptr) {
    if (arg.contains_error()) return Type::Bool();
    diags_
        .Report(DiagKind::TypeMismatch, e.args[0] ? e.args[0]->span : e.span,
                "`has` expects an input field, like `has(item.cn)`")
        .Label("not a field of the input record");
    return Type::Bool();
  }
  if (!any_optional) {
    diags_
        .Report(DiagKind::HasOnRequiredField, e.span,
                fmt::format("`has({})` is always true: `{}` cannot be missing", ExprText(e.args[0]),
                            field->name))
        .Label("always true")
        .Also(field->span, "declared without `?`")
        .Help("a required field is always present; remove the `has()` test");
  }
  return Type::Bool();
}

Type Checker::CheckCollection(const std::vector<ast::Expr*>& elements, ExprContext& ctx,
                              bool is_set) {
  Type element = Type::Error();
  const ast::Expr* first = nullptr;
  bool reported = false;
  for (const ast::Expr* x : elements) {
    Type t = Check(x, ctx);
    if (x == nullptr || t.is_error()) continue;
    if (first == nullptr) {
      element = t;
      first = x;
      continue;
    }
    bool ok = true;
    Type common = CommonType(element, t, &ok);
    if (ok) {
      element = common;
    } else if (!reported) {
      reported = true;
      auto& d = diags_.Report(DiagKind::MixedCollection, x->span,
                              fmt::format("a {} mixes `{}` and `{}`", is_set ? "set" : "list",
                                          element.ToString(), t.ToString()));
      d.Label(fmt::format("this is `{}`", t.ToString()))
          .Also(first->span, fmt::format("the first element is `{}`", element.ToString()));
      if (element.kind() == TypeKind::Country && IsUpperTwoLetterString(x)) {
        const std::string& v = x->As<ast::StringExpr>().value;
        d.Help(fmt::format("`\"{}\"` is a string; did you mean the country `{}`?", v, v));
      } else {
        d.Help("all elements of a set or list have one type");
      }
    }
  }
  return is_set ? Type::SetOf(element) : Type::ListOf(element);
}

Type Checker::CheckSetRhs(const ast::Expr* rhs, ExprContext& ctx) {
  if (rhs == nullptr) return Type::Error();
  Type t;
  if (rhs->kind == ast::ExprKind::Name) {
    t = CheckName(rhs->As<ast::NameExpr>(), ctx, /*allow_group=*/true);
  } else if (rhs->kind == ast::ExprKind::Field) {
    t = CheckField(rhs->As<ast::FieldExpr>(), ctx, /*allow_group=*/true);
  } else {
    return Check(rhs, ctx);
  }
  SetType(*ctx.module, rhs, t);
  return t;
}

// The operator's span for a label, or the whole expression's when the parser had none.
static Span OperatorSpan(const ast::BinaryExpr& e) {
  return e.op_span.valid() ? e.op_span : e.span;
}

Type Checker::CheckBinary(const ast::BinaryExpr& e, ExprContext& ctx) {
  using Op = ast::BinaryOp;
  if (e.op == Op::And || e.op == Op::Or) {
    const char* op = ast::BinaryOpText(e.op);
    Type l = Check(e.lhs, ctx);
    Type r = Check(e.rhs, ctx);
    ExpectType(e.lhs, l, Type::Bool(), ctx, fmt::format("`{}`", op));
    ExpectType(e.rhs, r, Type::Bool(), ctx, fmt::format("`{}`", op));
    return Type::Bool();
  }
  if (e.op == Op::In || e.op == Op::NotIn) return CheckMembership(e, ctx);
  Type l = Check(e.lhs, ctx);
  // The right of `matches` may name a list (screening) as well as give a glob pattern.
  Type r = e.op == Op::Matches ? CheckSetRhs(e.rhs, ctx) : Check(e.rhs, ctx);
  if (e.op == Op::Matches && r.kind() == TypeKind::PartyList) {
    CheckParty(e.lhs, l, ctx, "`matches` with a list");
    return Type::Bool();
  }
  // `a < b < c` was reported by the parser (E0202); its nested shape would only add a mismatch.
  if (ast::IsComparison(e.op) && e.lhs && e.lhs->kind == ast::ExprKind::Binary &&
      ast::IsComparison(e.lhs->As<ast::BinaryExpr>().op)) {
    return Type::Bool();
  }
  if (l.contains_error() || r.contains_error()) {
    if (ast::IsComparison(e.op)) return Type::Bool();
    if (e.op == Op::Div && l.is_numeric()) return Type::Decimal();
    return l.is_error() ? (r.is_numeric() ? Type::Error() : r) : l;
  }
  switch (e.op) {
    case Op::Eq:
    case Op::Ne: return CheckEquality(e, l, r, ctx);
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: return CheckOrdering(e, l, r);
    case Op::Under:
    case Op::NotUnder: {
      if (l.kind() != TypeKind::Code) {
        ReportInvalidOperands(e, l, r,
                              "`under` matches a classification code (a field of type `code`) "
                              "against a pattern");
        return Type::Bool();
      }
      bool rhs_ok = IsCodeLike(r) || (r.is_collection() && IsCodeLike(r.element()));
      if (!rhs_ok) {
        ReportInvalidOperands(e, l, r,
                              "the right side is a code, a string, or a set or list of them");
        return Type::Bool();
      }
      ValidateCodes(e.rhs, ctx);
      return Type::Bool();
    }
    case Op::Matches:
      if (!IsCodeLike(l) || r.kind() != TypeKind::String) {
        if (l.kind() == TypeKind::Record) {
          CheckParty(e.lhs, l, ctx, "`matches` with a party");
          diags_
              .Report(DiagKind::TypeMismatch, e.rhs ? e.rhs->span : e.span,
                      fmt::format("mismatched types: a party `matches` a list, found `{}`",
                                  r.ToString()))
              .Label("not a `list` declaration")
              .Help(
                  "declare one with `list NAME = \"file.csv\"`; a glob pattern takes a string "
                  "or code on the left");
          return Type::Bool();
        }
        ReportInvalidOperands(e, l, r,
                              "`matches` takes a string or code on the left and a glob pattern "
                              "string on the right");
      }
      return Type::Bool();
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
    case Op::Mod: return CheckArithmetic(e, l, r);
    default: return Type::Error();
  }
}

// `x in S` / `x not in S`: S a set, a list or a country group; x of S's element type (a string
// literal against codes is validated as a code).
Type Checker::CheckMembership(const ast::BinaryExpr& e, ExprContext& ctx) {
  const char* op = ast::BinaryOpText(e.op);
  Type l = Check(e.lhs, ctx);
  Type r = CheckSetRhs(e.rhs, ctx);
  if (r.kind() == TypeKind::Group) {
    ExpectType(e.lhs, l, Type::Country(), ctx, "membership in a group");
    return Type::Bool();
  }
  if (r.is_error()) return Type::Bool();
  if (!r.is_collection()) {
    auto& d = diags_.Report(
        DiagKind::InvalidOperands, OperatorSpan(e),
        fmt::format("`{}` needs a set, list or group on the right, found `{}`", op, r.ToString()));
    d.Label(fmt::format("right side is `{}`", r.ToString()));
    if (r.kind() == TypeKind::String && l.kind() == TypeKind::String) {
      d.Help("to search inside a string, use `contains(text, part)`");
    } else if (r.kind() == TypeKind::PartyList) {
      d.Help("to screen a party against a restricted-party list, write `end_user matches LIST`");
    }
    return Type::Bool();
  }
  Type element = r.element();
  if (element.is_error() || l.is_error()) return Type::Bool();
  if (element.kind() == TypeKind::Code && l.kind() == TypeKind::String) {
    ValidateCodes(e.lhs, ctx);
  } else if (l.kind() == TypeKind::Code && element.kind() == TypeKind::String) {
    ValidateCodes(e.rhs, ctx);
  } else {
    bool ok = true;
    CommonType(l, element, &ok);
    if (!ok) {
      const ast::Expr* culprit = nullptr;
      if (e.rhs && e.rhs->kind == ast::ExprKind::Set) {
        for (auto* x : e.rhs->As<ast::SetExpr>().elements) {
          if (!culprit && IsUpperTwoLetterString(x)) culprit = x;
        }
      }
      ReportMismatch(e.span, l, element, nullptr,
                     fmt::format("mismatched types: `{}` in a collection of `{}`", l.ToString(),
                                 element.ToString()));
      if (culprit && l.kind() == TypeKind::Country) {
        const std::string& v = culprit->As<ast::StringExpr>().value;
        const_cast<Diagnostic&>(diags_.all().back())
            .Help(fmt::format("`\"{}\"` is a string; did you mean the country `{}`?", v, v));
      }
    }
  }
  return Type::Bool();
}

// `==` / `!=` on operands already checked (neither an error): a common type, or a code against
// a string (validated as a code).
Type Checker::CheckEquality(const ast::BinaryExpr& e, const Type& l, const Type& r,
                            ExprContext& ctx) {
  if (l.kind() == TypeKind::Code && r.kind() == TypeKind::String) {
    ValidateCodes(e.rhs, ctx);
    return Type::Bool();
  }
  if (r.kind() == TypeKind::Code && l.kind() == TypeKind::String) {
    ValidateCodes(e.lhs, ctx);
    return Type::Bool();
  }
  bool ok = true;
  CommonType(l, r, &ok);
  if (!ok) {
    bool rhs_is_string = r.kind() == TypeKind::String;
    ReportMismatch(
        rhs_is_string ? e.rhs->span : e.span, l, r, rhs_is_string ? e.rhs : nullptr,
        fmt::format("mismatched types: cannot compare `{}` with `{}`", l.ToString(), r.ToString()));
    if (l.kind() == TypeKind::String && r.kind() == TypeKind::Country &&
        IsUpperTwoLetterString(e.lhs)) {
      const std::string& v = e.lhs->As<ast::StringExpr>().value;
      const_cast<Diagnostic&>(diags_.all().back())
          .Help(fmt::format("`\"{}\"` is a string; did you mean the country `{}`?", v, v));
    }
  } else if (l.kind() == TypeKind::Money) {
    ReportMoneyLiteralsDiffer(e);
  }
  return Type::Bool();
}

// `<`, `<=`, `>`, `>=`: numbers with numbers; dates, money or strings with their own kind.
Type Checker::CheckOrdering(const ast::BinaryExpr& e, const Type& l, const Type& r) {
  bool ordered = (l.is_numeric() && r.is_numeric()) ||
                 (l == r && (l.kind() == TypeKind::Date || l.kind() == TypeKind::Money ||
                             l.kind() == TypeKind::String));
  if (ordered) {
    ReportMoneyLiteralsDiffer(e);
  } else if (l.kind() == r.kind()) {
    ReportInvalidOperands(e, l, r, fmt::format("`{}` values have no order", l.ToString()));
  } else {
    ReportMismatch(
        e.span, l, r, e.rhs,
        fmt::format("mismatched types: cannot compare `{}` with `{}`", l.ToString(), r.ToString()));
  }
  return Type::Bool();
}

// `+ - * / %`: int with int is int, other numbers decimal (`/` always decimal); money adds to
// money and scales by a number.
Type Checker::CheckArithmetic(const ast::BinaryExpr& e, const Type& l, const Type& r) {
  using Op = ast::BinaryOp;
  if (l.is_numeric() && r.is_numeric()) {
    if (e.op == Op::Div) return Type::Decimal();
    return l.kind() == TypeKind::Int && r.kind() == TypeKind::Int ? Type::Int() : Type::Decimal();
  }
  if (e.op == Op::Add || e.op == Op::Sub) {
    if (l.kind() == TypeKind::Money && r.kind() == TypeKind::Money) {
      ReportMoneyLiteralsDiffer(e);
      return Type::Money();
    }
    if (l.kind() == TypeKind::Date && r.kind() == TypeKind::Date && e.op == Op::Sub) {
      ReportInvalidOperands(e, l, r, "to count days between two dates, use `days_between(a, b)`");
    } else if (l.kind() == TypeKind::String && r.kind() == TypeKind::String) {
      ReportInvalidOperands(e, l, r, "strings cannot be joined with `+`");
    } else {
      ReportInvalidOperands(e, l, r, "");
    }
    return Type::Error();
  }
  if (e.op != Op::Mod && l.kind() == TypeKind::Money && r.is_numeric()) return Type::Money();
  if (e.op == Op::Mul && l.is_numeric() && r.kind() == TypeKind::Money) return Type::Money();
  ReportInvalidOperands(e, l, r,
                        l.kind() == TypeKind::Money || r.kind() == TypeKind::Money
                            ? "money multiplies and divides by a number"
                            : "");
  return Type::Error();
}

// Two money literals in different (known) currencies: E-CurrencyMismatch. An unknown currency
// was reported by the parser; do not pile on.
void Checker::ReportMoneyLiteralsDiffer(const ast::BinaryExpr& e) {
  if (!e.lhs || !e.rhs || e.lhs->kind != ast::ExprKind::Money ||
      e.rhs->kind != ast::ExprKind::Money) {
    return;
  }
  const auto& a = e.lhs->As<ast::MoneyExpr>();
  const auto& b = e.rhs->As<ast::MoneyExpr>();
  if (a.currency != b.currency && FindCurrency(a.currency) && FindCurrency(b.currency)) {
    diags_
        .Report(DiagKind::CurrencyMismatch, e.span,
                fmt::format("`{}` on {} and {}", ast::BinaryOpText(e.op), a.currency, b.currency))
        .Label("different currencies")
        .Help("money combines and compares only within one currency");
  }
}

void Checker::ReportInvalidOperands(const ast::BinaryExpr& e, const Type& l, const Type& r,
                                    const std::string& help) {
  auto& d = diags_.Report(DiagKind::InvalidOperands, OperatorSpan(e),
                          fmt::format("cannot apply `{}` to `{}` and `{}`", ast::BinaryOpText(e.op),
                                      l.ToString(), r.ToString()));
  d.Label(fmt::format("`{}` and `{}`", l.ToString(), r.ToString()));
  if (!help.empty()) d.Help(help);
}

void Checker::CheckRecordLiteral(const ast::Expr* e, const RecordType* record, ExprContext& ctx) {
  if (e == nullptr) return;
  if (e->kind == ast::ExprKind::Set && e->As<ast::SetExpr>().elements.empty()) {
    SetType(*ctx.module, e, Type::RecordOf(record));  // `{}` is the empty record here
    return;
  }
  if (e->kind != ast::ExprKind::Record) {
    Type t = Check(e, ctx);
    ReportMismatch(e->span, Type::RecordOf(record), t, e,
                   fmt::format("mismatched types: expected a `{}` record literal, found `{}`",
                               record->name, t.ToString()));
    return;
  }
  SetType(*ctx.module, e, Type::RecordOf(record));
  std::map<std::string, Span> seen;
  for (const ast::RecordFieldInit& init : e->As<ast::RecordExpr>().fields) {
    if (auto it = seen.find(init.name.text); it != seen.end()) {
      diags_
          .Report(DiagKind::DuplicateField, init.name.span,
                  fmt::format("field `{}` is given twice", init.name.text))
          .Label("given again here")
          .Also(it->second, "first given here");
      Check(init.value, ctx);
      continue;
    }
    seen[init.name.text] = init.name.span;
    const RecordField* f = record->Find(init.name.text);
    if (f == nullptr) {
      auto& d =
          diags_.Report(DiagKind::UnknownField, init.name.span,
                        fmt::format("record `{}` has no field `{}`", record->name, init.name.text));
      d.Label("unknown field");
      if (auto best = ClosestMatch(init.name.text, record->FieldNames())) {
        d.Help(fmt::format("did you mean `{}`?", *best));
      }
      Check(init.value, ctx);
      continue;
    }
    if (f->type.kind() == TypeKind::Record) {
      CheckRecordLiteral(init.value, f->type.record(), ctx);
      continue;
    }
    Type t = Check(init.value, ctx);
    if (init.value == nullptr) continue;
    if (!IsAssignable(t, f->type)) {
      ReportMismatch(init.value->span, f->type, t, init.value,
                     fmt::format("mismatched types: field `{}` is `{}`, found `{}`", f->name,
                                 f->type.ToString(), t.ToString()));
    } else {
      ExpectType(init.value, t, f->type, ctx, fmt::format("field `{}`", f->name));
    }
  }
}

Type Checker::CheckUncached(const ast::Expr* e, ExprContext& ctx) {
  switch (e->kind) {
    case ast::ExprKind::Int: return Type::Int();
    case ast::ExprKind::Decimal: return Type::Decimal();
    case ast::ExprKind::String: return Type::String();
    case ast::ExprKind::Bool: return Type::Bool();
    case ast::ExprKind::Date: return Type::Date();
    case ast::ExprKind::Money: return Type::Money();
    case ast::ExprKind::Error: return Type::Error();
    case ast::ExprKind::Name: return CheckName(e->As<ast::NameExpr>(), ctx, false);
    case ast::ExprKind::Field: return CheckField(e->As<ast::FieldExpr>(), ctx, false);
    case ast::ExprKind::Call: return CheckCall(e->As<ast::CallExpr>(), ctx);
    case ast::ExprKind::Binary: return CheckBinary(e->As<ast::BinaryExpr>(), ctx);
    case ast::ExprKind::Unary: {
      const auto& u = e->As<ast::UnaryExpr>();
      Type t = Check(u.operand, ctx);
      if (u.op == ast::UnaryOp::Not) {
        ExpectType(u.operand, t, Type::Bool(), ctx, "`not`");
        return Type::Bool();
      }
      if (t.is_error() || t.is_numeric() || t.kind() == TypeKind::Money) return t;
      diags_
          .Report(DiagKind::InvalidOperands, u.op_span.valid() ? u.op_span : e->span,
                  fmt::format("cannot negate `{}`", t.ToString()))
          .Label("unary `-` needs a number or money");
      return Type::Error();
    }
    case ast::ExprKind::If: {
      const auto& i = e->As<ast::IfExpr>();
      CheckCondition(i.cond, ctx, "the `if` condition");
      Type a = Check(i.then_value, ctx);
      Type b = Check(i.else_value, ctx);
      bool ok = true;
      Type common = CommonType(a, b, &ok);
      if (!ok) {
        ReportMismatch(i.else_value ? i.else_value->span : e->span, a, b, i.else_value,
                       fmt::format("mismatched types: `if` branches are `{}` and `{}`",
                                   a.ToString(), b.ToString()));
        return Type::Error();
      }
      return common;
    }
    case ast::ExprKind::Set: return CheckCollection(e->As<ast::SetExpr>().elements, ctx, true);
    case ast::ExprKind::List: return CheckCollection(e->As<ast::ListExpr>().elements, ctx, false);
    case ast::ExprKind::Record: {
      for (const auto& f : e->As<ast::RecordExpr>().fields) Check(f.value, ctx);
      diags_
          .Report(DiagKind::TypeMismatch, e->span,
                  "a record literal is only allowed as a test's `given` record")
          .Label("no record is expected here");
      return Type::Error();
    }
  }
  LICIT_UNREACHABLE("an ExprKind outside the enum");
}

}  // namespace licit::sema
