// DumpChecked and the normalized expression printer (also used to compare rule conditions).
#include <fmt/format.h>

#include "base/check.h"
#include "frontend/sema/checker_internal.h"

namespace licit::sema {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

const char* RefTag(RefKind k) {
  switch (k) {
    case RefKind::InputField: return "field";
    case RefKind::Let: return "let";
    case RefKind::Class: return "class";
    case RefKind::Group: return "group";
    case RefKind::List: return "list";
    case RefKind::Country: return "country";
  }
  LICIT_UNREACHABLE("a RefKind outside the enum");
}

std::string Range(const DayRange& r) {
  std::string since = r.since == DayRange::kOpenStart ? "" : FormatDate(r.since);
  std::string until = r.until == DayRange::kOpenEnd ? "" : FormatDate(r.until);
  return "[" + since + ".." + until + "]";
}

void AppendExpr(std::string& out, const ast::Expr* e, const CheckedProgram* p, ModuleId m) {
  if (e == nullptr) {
    out += "<missing>";
    return;
  }
  auto tag = [&](const std::string& text) {
    out += text;
    if (p == nullptr) return;
    if (const NameRef* ref = p->RefOf(m, e->id)) {
      out += "@";
      out += RefTag(ref->kind);
      if (ref->symbol && ref->symbol->module != m) out += ":" + p->module(ref->symbol->module).name;
    }
  };
  switch (e->kind) {
    case ast::ExprKind::Int: out += e->As<ast::IntExpr>().text; return;
    case ast::ExprKind::Decimal: out += e->As<ast::DecimalExpr>().text; return;
    case ast::ExprKind::String: out += Quote(e->As<ast::StringExpr>().value); return;
    case ast::ExprKind::Bool: out += e->As<ast::BoolExpr>().value ? "true" : "false"; return;
    case ast::ExprKind::Date: out += FormatDate(e->As<ast::DateExpr>().value); return;
    case ast::ExprKind::Money:
      out += e->As<ast::MoneyExpr>().amount + " " + e->As<ast::MoneyExpr>().currency;
      return;
    case ast::ExprKind::Name: tag(e->As<ast::NameExpr>().name); return;
    case ast::ExprKind::Field: {
      const auto& f = e->As<ast::FieldExpr>();
      if (p && p->RefOf(m, e->id) && f.object && f.object->kind == ast::ExprKind::Name) {
        tag(f.object->As<ast::NameExpr>().name + "." + f.field.text);
        return;
      }
      AppendExpr(out, f.object, p, m);
      out += "." + f.field.text;
      return;
    }
    case ast::ExprKind::Call: {
      const auto& c = e->As<ast::CallExpr>();
      out += c.function.text + "(";
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (i) out += ", ";
        AppendExpr(out, c.args[i], p, m);
      }
      out += ")";
      return;
    }
    case ast::ExprKind::Unary: {
      const auto& u = e->As<ast::UnaryExpr>();
      out += u.op == ast::UnaryOp::Not ? "(not " : "(-";
      AppendExpr(out, u.operand, p, m);
      out += ")";
      return;
    }
    case ast::ExprKind::Binary: {
      const auto& b = e->As<ast::BinaryExpr>();
      out += "(";
      AppendExpr(out, b.lhs, p, m);
      out += fmt::format(" {} ", ast::BinaryOpText(b.op));
      AppendExpr(out, b.rhs, p, m);
      out += ")";
      return;
    }
    case ast::ExprKind::If: {
      const auto& i = e->As<ast::IfExpr>();
      out += "(if ";
      AppendExpr(out, i.cond, p, m);
      out += " then ";
      AppendExpr(out, i.then_value, p, m);
      out += " else ";
      AppendExpr(out, i.else_value, p, m);
      out += ")";
      return;
    }
    case ast::ExprKind::Set:
    case ast::ExprKind::List: {
      bool set = e->kind == ast::ExprKind::Set;
      const auto& els = set ? e->As<ast::SetExpr>().elements : e->As<ast::ListExpr>().elements;
      out += set ? "{" : "[";
      for (size_t i = 0; i < els.size(); ++i) {
        if (i) out += ", ";
        AppendExpr(out, els[i], p, m);
      }
      out += set ? "}" : "]";
      return;
    }
    case ast::ExprKind::Record: {
      const auto& r = e->As<ast::RecordExpr>();
      out += "{";
      for (size_t i = 0; i < r.fields.size(); ++i) {
        if (i) out += ", ";
        out += r.fields[i].name.text + ": ";
        AppendExpr(out, r.fields[i].value, p, m);
      }
      out += "}";
      return;
    }
    case ast::ExprKind::Error: out += "<error>"; return;
  }
}

std::string DestText(const Destination& d, const CheckedProgram& p) {
  if (d.kind == Destination::Kind::Country) return std::string(AllCountries()[d.country].code);
  return d.symbol->name + (d.kind == Destination::Kind::Group ? "@group" : "@let");
}

}  // namespace

std::string ExprText(const ast::Expr* e, const CheckedProgram* program, ModuleId module) {
  if (e == nullptr) return "";
  std::string out;
  AppendExpr(out, e, program, module);
  return out;
}

std::string DumpChecked(const CheckedProgram& program, const SourceManager& sources) {
  std::string out;
  for (ModuleId id : program.roots()) {
    const CheckedModule& m = program.module(id);
    out += fmt::format("module {} ({})\n", m.name.empty() ? "<unnamed>" : m.name, m.path);
    for (ModuleId imp : m.imports) out += fmt::format("  import {}\n", program.module(imp).name);
    if (m.input) {
      out += fmt::format("  input {}\n", m.input->qualified_name);
      for (const RecordField& f : m.input->fields) {
        out += fmt::format("    {}: {}{}\n", f.name, f.type.ToString(), f.optional ? "?" : "");
      }
    }
    auto typed = [&](const ast::Expr* e) {
      return ExprText(e, &program, id) + " : " + program.TypeOf(id, e ? e->id : 0).ToString();
    };
    for (const auto& s : m.symbols) {
      switch (s->kind) {
        case SymbolKind::Record: {
          out += fmt::format("  record {} {{", s->name);
          for (size_t i = 0; s->record && i < s->record->fields.size(); ++i) {
            const RecordField& f = s->record->fields[i];
            out += fmt::format("{}{}: {}{}", i ? ", " : " ", f.name, f.type.ToString(),
                               f.optional ? "?" : "");
          }
          out += " }\n";
          break;
        }
        case SymbolKind::Let:
          out += fmt::format("  let {}: {} = {}\n", s->name, s->type.ToString(),
                             ExprText(CheckedProgram::ValueOf(s.get()), &program, id));
          break;
        case SymbolKind::Class:
          out += fmt::format("  class {} = {}\n", s->name, typed(CheckedProgram::ValueOf(s.get())));
          break;
        case SymbolKind::Group: {
          out += fmt::format("  group {} = {{", s->name);
          bool first = true;
          for (const auto& [country, ranges] : program.MembersOf(s.get())) {
            for (const DayRange& r : ranges) {
              out += first ? " " : ", ";
              first = false;
              out += std::string(AllCountries()[country].code);
              if (!r.is_open()) out += Range(r);
            }
          }
          out += " }\n";
          break;
        }
        case SymbolKind::List: {
          auto list = program.ListOf(s.get());
          out += fmt::format("  list {} = {}", s->name,
                             Quote(s->decl->As<ast::ListDecl>().path.value));
          if (list) {
            out += fmt::format(" ({} entries, {} cleared, match {}, review {})",
                               list->entries().size(), list->clearances().size(),
                               list->thresholds().match, list->thresholds().review);
          }
          out += "\n";
          break;
        }
        case SymbolKind::ImportAlias:
          out += fmt::format("  alias {} = {}\n", s->name, program.module(s->alias_target).name);
          break;
        default: break;
      }
    }
    for (const CheckedRule& r : m.rules) {
      out += fmt::format("  rule {}: {}", r.symbol->name, ast::EffectName(r.decl->effect.effect));
      if (r.decl->effect.license_name) out += " " + Quote(r.decl->effect.license_name->value);
      if (r.scope_class) out += " class " + r.scope_class->name;
      if (r.to) {
        out += " to";
        if (r.to->any) out += " any";
        for (size_t i = 0; i < r.to->include.size(); ++i) {
          out += (i ? ", " : " ") + DestText(r.to->include[i], program);
        }
        if (!r.to->except.empty()) out += " except";
        for (size_t i = 0; i < r.to->except.size(); ++i) {
          out += (i ? ", " : " ") + DestText(r.to->except[i], program);
        }
      }
      out += "\n";
      if (r.decl->clauses.when) out += "    when " + typed(r.decl->clauses.when) + "\n";
      if (r.decl->clauses.unless) out += "    unless " + typed(r.decl->clauses.unless) + "\n";
      if (!r.period.is_open()) out += "    period " + Range(r.period) + "\n";
      for (const auto* s : r.suspensions) out += "    suspended " + Range(s->period) + "\n";
      for (const Symbol* x : r.waived_by) out += "    waived by " + x->name + "\n";
    }
    for (const CheckedException& x : m.exceptions) {
      out += fmt::format("  exception {} for", x.symbol->name);
      for (size_t i = 0; i < x.rules.size(); ++i) out += (i ? ", " : " ") + x.rules[i]->name;
      out += "\n";
      if (x.decl->clauses.when) out += "    when " + typed(x.decl->clauses.when) + "\n";
      if (x.decl->clauses.unless) out += "    unless " + typed(x.decl->clauses.unless) + "\n";
      if (!x.period.is_open()) out += "    period " + Range(x.period) + "\n";
      for (const auto* s : x.suspensions) out += "    suspended " + Range(s->period) + "\n";
    }
    out += fmt::format("  default {}\n",
                       m.default_decl ? ast::EffectName(m.default_decl->effect.effect) : "allow");
    for (const CheckedTest& t : m.tests) {
      out += fmt::format("  test {} expect {}", Quote(t.decl->name.value),
                         ast::EffectName(t.decl->expect.effect));
      for (size_t i = 0; i < t.by.size(); ++i) out += (i ? ", " : " by ") + t.by[i]->name;
      out += "\n    given " + ExprText(t.decl->given, &program, id) + "\n";
    }
  }
  (void)sources;
  return out;
}

}  // namespace licit::sema
