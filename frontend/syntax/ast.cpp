#include "frontend/syntax/ast.h"

#include <fmt/format.h>

#include "base/check.h"
#include "base/diagnostic.h"

namespace licit::ast {

std::string QualifiedName::ToString() const {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p.text;
  return out;
}

const char* BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return "or";
    case BinaryOp::And: return "and";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::In: return "in";
    case BinaryOp::NotIn: return "not in";
    case BinaryOp::Under: return "under";
    case BinaryOp::NotUnder: return "not under";
    case BinaryOp::Matches: return "matches";
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
  }
  LICIT_UNREACHABLE("a BinaryOp outside the enum");
}

bool IsComparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::Eq:
    case BinaryOp::Ne:
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
    case BinaryOp::In:
    case BinaryOp::NotIn:
    case BinaryOp::Under:
    case BinaryOp::NotUnder:
    case BinaryOp::Matches: return true;
    default: return false;
  }
}

const Ident* DeclName(const Decl& d) {
  switch (d.kind) {
    case DeclKind::Record: return &d.As<RecordDecl>().name;
    case DeclKind::Let: return &d.As<LetDecl>().name;
    case DeclKind::Class: return &d.As<ClassDecl>().name;
    case DeclKind::Group: return &d.As<GroupDecl>().name;
    case DeclKind::List: return &d.As<ListDecl>().name;
    case DeclKind::Rule: return &d.As<RuleDecl>().name;
    case DeclKind::Exception: return &d.As<ExceptionDecl>().name;
    default: return nullptr;
  }
}

const char* DeclKindName(DeclKind k) {
  switch (k) {
    case DeclKind::Policy: return "policy";
    case DeclKind::Import: return "import";
    case DeclKind::Record: return "record";
    case DeclKind::Input: return "input";
    case DeclKind::Let: return "let";
    case DeclKind::Class: return "class";
    case DeclKind::Group: return "group";
    case DeclKind::List: return "list";
    case DeclKind::Rule: return "rule";
    case DeclKind::Exception: return "exception";
    case DeclKind::Suspend: return "suspend";
    case DeclKind::Default: return "default";
    case DeclKind::Test: return "test";
  }
  LICIT_UNREACHABLE("a DeclKind outside the enum");
}

namespace {

// S-expressions, two-space indentation, a location on every declaration.
class Dumper {
 public:
  Dumper(const SourceManager& sources) : sources_(sources) {}

  std::string ModuleText(const ast::Module& m) {
    out_ = "(module\n";
    for (const ast::Decl* d : m.decls()) DumpDecl(*d);
    out_ += ")\n";
    return out_;
  }

 private:
  std::string At(Span s) const {
    if (!s.valid()) return "@?";
    LICIT_CHECK(s.file < sources_.size());
    LineCol lc = sources_.Get(s.file).Locate(s.begin);
    return fmt::format("@{}:{}", lc.line, lc.column);
  }
  static std::string Q(const std::string& s) { return JsonQuote(s); }
  std::string Bound(const std::optional<DateBound>& b, const char* word) const {
    if (!b) return {};
    return fmt::format(" ({} {}{})", word,
                       FormatDate(std::string_view(word) == "until" ? b->AsUntil() : b->AsSince()),
                       b->date.is_month ? " month" : "");
  }
  std::string EffectText(const EffectSpec& e) const {
    std::string s = fmt::format("(effect {}", EffectName(e.effect));
    if (e.license_name) s += " " + Q(e.license_name->value);
    return s + ")";
  }
  std::string DestsText(const Destinations& d) const {
    std::string s = "(to";
    if (d.any) s += " any";
    for (const auto& q : d.include) s += " " + q.ToString();
    if (!d.except.empty()) {
      s += " (except";
      for (const auto& q : d.except) s += " " + q.ToString();
      s += ")";
    }
    return s + ")";
  }
  std::string TypeText(const TypeRef& t) const {
    std::string s = t.name.ToString();
    if (!t.args.empty()) s += "<" + TypeText(*t.args[0]) + ">";
    if (t.optional) s += "?";
    return s;
  }
  void Line(int indent, const std::string& text) {
    out_ += std::string(indent * 2, ' ') + text + "\n";
  }
  void ClausesText(const ast::Clauses& c, int indent) {
    if (c.when) Line(indent, "(when " + ExprText(c.when) + ")");
    if (c.unless) Line(indent, "(unless " + ExprText(c.unless) + ")");
    std::string dates = Bound(c.since, "since") + Bound(c.until, "until");
    if (!dates.empty()) Line(indent, dates.substr(1));
    if (c.because) Line(indent, "(because " + Q(c.because->value) + ")");
    if (c.cite) Line(indent, "(cite " + Q(c.cite->value) + ")");
  }

  void DumpDecl(const ast::Decl& d) {
    std::string head = fmt::format("({} ", DeclKindName(d.kind));
    switch (d.kind) {
      case DeclKind::Policy: {
        const auto& p = d.As<PolicyDecl>();
        Line(1, head + p.name.ToString() + " " + At(d.span));
        if (p.title) Line(2, "(title " + Q(p.title->value) + ")");
        if (p.jurisdiction) Line(2, "(jurisdiction " + p.jurisdiction->text + ")");
        if (p.version) Line(2, "(version " + Q(p.version->value) + ")");
        break;
      }
      case DeclKind::Import: {
        const auto& i = d.As<ImportDecl>();
        std::string what = i.module ? i.module->ToString() : i.path ? Q(i.path->value) : "?";
        if (i.alias) what += " (as " + i.alias->text + ")";
        Line(1, head + what + " " + At(d.span));
        break;
      }
      case DeclKind::Record: {
        const auto& r = d.As<RecordDecl>();
        Line(1, head + r.name.text + " " + At(d.span));
        for (const auto& f : r.fields)
          Line(2, "(field " + f.name.text + " " + TypeText(*f.type) + ")");
        break;
      }
      case DeclKind::Input:
        Line(1, head + d.As<InputDecl>().type_name.ToString() + " " + At(d.span));
        break;
      case DeclKind::Let: {
        const auto& l = d.As<LetDecl>();
        Line(1, head + l.name.text + " " + At(d.span));
        Line(2, ExprText(l.value));
        break;
      }
      case DeclKind::Class: {
        const auto& c = d.As<ClassDecl>();
        Line(1, head + c.name.text + " " + At(d.span));
        Line(2, ExprText(c.predicate));
        break;
      }
      case DeclKind::Group: {
        const auto& g = d.As<GroupDecl>();
        Line(1, head + g.name.text + " " + At(d.span));
        for (const auto& m : g.members) {
          Line(2, "(member " + m.ref.ToString() + Bound(m.since, "since") +
                      Bound(m.until, "until") + ")");
        }
        break;
      }
      case DeclKind::List: {
        const auto& l = d.As<ListDecl>();
        Line(1, head + l.name.text + " " + At(d.span));
        Line(2, "(file " + Q(l.path.value) + ")");
        if (l.format) Line(2, "(format " + l.format->text + ")");
        if (l.cleared) Line(2, "(cleared " + Q(l.cleared->value) + ")");
        if (l.match) Line(2, fmt::format("(match {})", l.match->value));
        if (l.review) Line(2, fmt::format("(review {})", l.review->value));
        if (l.because) Line(2, "(because " + Q(l.because->value) + ")");
        if (l.cite) Line(2, "(cite " + Q(l.cite->value) + ")");
        break;
      }
      case DeclKind::Rule: {
        const auto& r = d.As<RuleDecl>();
        Line(1, head + r.name.text + (r.concise ? " concise " : " ") + At(d.span));
        Line(2, EffectText(r.effect));
        if (r.class_name) Line(2, "(class " + r.class_name->ToString() + ")");
        if (r.to) Line(2, DestsText(*r.to));
        ClausesText(r.clauses, 2);
        break;
      }
      case DeclKind::Exception: {
        const auto& e = d.As<ExceptionDecl>();
        std::string rules;
        for (const auto& r : e.rules) rules += " " + r.text;
        Line(1, head + e.name.text + " " + At(d.span));
        Line(2, "(for" + rules + ")");
        ClausesText(e.clauses, 2);
        break;
      }
      case DeclKind::Suspend: {
        const auto& s = d.As<SuspendDecl>();
        std::string targets;
        for (const auto& r : s.targets) targets += " " + r.text;
        Line(1, head.substr(0, head.size() - 1) + targets + " " + At(d.span));
        Line(2, fmt::format("(from {}{})", FormatDate(s.from.AsSince()), Bound(s.until, "until")));
        if (s.because) Line(2, "(because " + Q(s.because->value) + ")");
        if (s.cite) Line(2, "(cite " + Q(s.cite->value) + ")");
        break;
      }
      case DeclKind::Default:
        Line(1, head + EffectText(d.As<DefaultDecl>().effect) + " " + At(d.span));
        break;
      case DeclKind::Test: {
        const auto& t = d.As<TestDecl>();
        Line(1, head + Q(t.name.value) + " " + At(d.span));
        Line(2, "(given " + ExprText(t.given) + ")");
        std::string by;
        for (const auto& b : t.by) by += " " + b.text;
        Line(2, "(expect " + EffectText(t.expect) + (by.empty() ? "" : " (by" + by + ")") + ")");
        break;
      }
    }
    out_.back() = ')';
    out_ += "\n";
  }

  std::string ExprText(const ast::Expr* e) {
    if (!e) return "<missing>";
    switch (e->kind) {
      case ExprKind::Int: return e->As<IntExpr>().text;
      case ExprKind::Decimal: return e->As<DecimalExpr>().text;
      case ExprKind::String: return Q(e->As<StringExpr>().value);
      case ExprKind::Bool: return e->As<BoolExpr>().value ? "true" : "false";
      case ExprKind::Date: return FormatDate(e->As<DateExpr>().value);
      case ExprKind::Money: {
        const auto& m = e->As<MoneyExpr>();
        return fmt::format("(money {} {})", m.amount, m.currency);
      }
      case ExprKind::Name: {
        const auto& n = e->As<NameExpr>();
        return n.backquoted ? "`" + n.name + "`" : n.name;
      }
      case ExprKind::Field: {
        const auto& f = e->As<FieldExpr>();
        return fmt::format("(. {} {})", ExprText(f.object), f.field.text);
      }
      case ExprKind::Call: {
        const auto& c = e->As<CallExpr>();
        std::string s = "(call " + c.function.text;
        for (const auto* a : c.args) s += " " + ExprText(a);
        return s + ")";
      }
      case ExprKind::Unary: {
        const auto& u = e->As<UnaryExpr>();
        return fmt::format("({} {})", u.op == UnaryOp::Not ? "not" : "neg", ExprText(u.operand));
      }
      case ExprKind::Binary: {
        const auto& b = e->As<BinaryExpr>();
        return fmt::format("({} {} {})", BinaryOpText(b.op), ExprText(b.lhs), ExprText(b.rhs));
      }
      case ExprKind::If: {
        const auto& i = e->As<IfExpr>();
        return fmt::format("(if {} {} {})", ExprText(i.cond), ExprText(i.then_value),
                           ExprText(i.else_value));
      }
      case ExprKind::Set:
      case ExprKind::List: {
        const auto& elems =
            e->kind == ExprKind::Set ? e->As<SetExpr>().elements : e->As<ListExpr>().elements;
        std::string s = e->kind == ExprKind::Set ? "(set" : "(list";
        for (const auto* x : elems) s += " " + ExprText(x);
        return s + ")";
      }
      case ExprKind::Record: {
        std::string s = "(record";
        for (const auto& f : e->As<RecordExpr>().fields)
          s += " (" + f.name.text + " " + ExprText(f.value) + ")";
        return s + ")";
      }
      case ExprKind::Error: return "<error>";
    }
    return "<?>";
  }

  const SourceManager& sources_;
  std::string out_;
};

}  // namespace

std::string DumpAst(const Module& module, const SourceManager& sources) {
  return Dumper(sources).ModuleText(module);
}

}  // namespace licit::ast
