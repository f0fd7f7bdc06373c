// Workspace (licit.hpp): the queries an editor asks, on the checker's output. A document is
// checked with its imports (open documents' texts first, then disk); from the checked program
// each module of interest is walked once into a list of occurrences: every place a name is
// declared or used, with what it is (a declaration, a record field, a country, a module, a
// function). Hover, definition, references, rename and the outline are lookups in that list.
// Declarations are identified across separate checks by (file, offset of the name).

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "api/src/state.h"
#include "base/iso_codes.h"
#include "core/builtins.h"
#include "frontend/pipeline.h"
#include "stdlib/embedded.h"

namespace licit {

namespace detail {

// What a name denotes.
struct Target {
  enum class Kind : uint8_t { Symbol, Field, Country, Module, Function } kind = Kind::Symbol;
  const sema::Symbol* symbol = nullptr;  // Symbol
  const sema::RecordField* field = nullptr;
  const sema::RecordType* record = nullptr;  // Field: the record declaring it
  std::string path;                          // Field: `item.hs` when reached from the input
  CountryId country = 0;
  sema::ModuleId module = 0;  // Module: the imported module
  std::string function;       // Function
};

struct Occurrence {
  sema::ModuleId module = 0;  // the module whose text holds it
  Span span;
  Target target;
  bool declaration = false;  // this is the declaring name itself
};

// One checked document.
struct Analysis {
  uint64_t generation = 0;
  std::shared_ptr<CompiledState> state;
  std::vector<Occurrence> occurrences;  // of the modules that are not the standard library
  std::set<std::string> loaded;         // normalised paths of every file the check read
};

struct WorkspaceState {
  Engine engine;
  std::map<std::string, std::string> documents;  // by normalised path
  uint64_t generation = 1;                       // bumped by every change of a document
  std::map<std::string, Analysis> analyses;      // by normalised path
};

}  // namespace detail

namespace {

using detail::Analysis;
using detail::Occurrence;
using detail::Target;

std::string Normal(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

const char* KindWord(sema::SymbolKind kind) {
  switch (kind) {
    case sema::SymbolKind::Record: return "record";
    case sema::SymbolKind::Let: return "let";
    case sema::SymbolKind::Class: return "class";
    case sema::SymbolKind::Group: return "group";
    case sema::SymbolKind::List: return "list";
    case sema::SymbolKind::Rule: return "rule";
    case sema::SymbolKind::Exception: return "exception";
    case sema::SymbolKind::ImportAlias: return "module";
  }
  return "name";
}

// Walks one module's declarations and expressions into occurrences.
class Collector {
 public:
  Collector(const sema::CheckedProgram& program, const sema::CheckedModule& module,
            std::vector<Occurrence>& out)
      : program_(program), module_(module), out_(out) {
    for (const auto& s : module.symbols) by_decl_[s->decl].push_back(s.get());
  }

  void Run() {
    for (const ast::Decl* decl : module_.ast->decls()) Decl(*decl);
  }

 private:
  void Add(Span span, Target target, bool declaration = false) {
    if (!span.valid() || span.begin == span.end) return;
    out_.push_back(Occurrence{module_.id, span, std::move(target), declaration});
  }
  void AddSymbol(Span span, const sema::Symbol* symbol, bool declaration = false) {
    if (!symbol) return;
    Target t;
    t.symbol = symbol;
    Add(span, std::move(t), declaration);
  }
  void AddCountry(Span span, std::string_view code) {
    if (auto id = FindCountry(code)) {
      Target t;
      t.kind = Target::Kind::Country;
      t.country = *id;
      Add(span, std::move(t));
    }
  }
  const sema::Symbol* Declared(const ast::Decl& decl, sema::SymbolKind kind) const {
    auto it = by_decl_.find(&decl);
    if (it == by_decl_.end()) return nullptr;
    for (const sema::Symbol* s : it->second) {
      if (s->kind == kind) return s;
    }
    return nullptr;
  }
  // A name as written in a scope position (`dual-use`, `T.Group`): the symbol it names.
  const sema::Symbol* Lookup(const ast::QualifiedName& name) const {
    if (name.parts.empty()) return nullptr;
    auto it = module_.scope.find(name.parts[0].text);
    if (it == module_.scope.end()) return nullptr;
    const sema::Symbol* s = it->second;
    if (name.parts.size() == 2 && s->kind == sema::SymbolKind::ImportAlias) {
      const auto& exports = program_.module(s->alias_target).exports;
      auto e = exports.find(name.parts[1].text);
      return e == exports.end() ? nullptr : e->second;
    }
    return name.parts.size() == 1 ? s : nullptr;
  }
  // A qualified name used as a reference: `T.x` is the alias `T` and then `x`.
  void Reference(const ast::QualifiedName& name) {
    const sema::Symbol* s = Lookup(name);
    if (name.parts.size() == 2) {
      auto alias = module_.scope.find(name.parts[0].text);
      if (alias != module_.scope.end()) AddSymbol(name.parts[0].span, alias->second);
      if (s) AddSymbol(name.parts[1].span, s);
      return;
    }
    if (s) {
      AddSymbol(name.span, s);
    } else if (name.parts.size() == 1) {
      AddCountry(name.span, name.parts[0].text);
    }
  }
  void LocalName(const ast::Ident& ident, sema::SymbolKind kind) {
    auto it = module_.scope.find(ident.text);
    if (it != module_.scope.end() && it->second->kind == kind) AddSymbol(ident.span, it->second);
  }
  void Rules(const std::vector<ast::Ident>& names) {
    for (const ast::Ident& n : names) {
      auto it = module_.scope.find(n.text);
      if (it != module_.scope.end()) AddSymbol(n.span, it->second);
    }
  }

  void Type(const ast::TypeRef& type) {
    if (const sema::Symbol* s = Lookup(type.name)) Reference(type.name), (void)s;
    for (const auto& arg : type.args) Type(*arg);
  }

  void Decl(const ast::Decl& decl) {
    using ast::DeclKind;
    switch (decl.kind) {
      case DeclKind::Policy: break;
      case DeclKind::Import: {
        const auto& d = decl.As<ast::ImportDecl>();
        for (sema::ModuleId id : module_.imports) {
          const sema::CheckedModule& m = program_.module(id);
          bool same = d.module ? m.name == d.module->ToString()
                               : d.path && Normal(m.path).ends_with(Normal(d.path->value));
          if (!same) continue;
          Target t;
          t.kind = Target::Kind::Module;
          t.module = id;
          Add(d.module ? d.module->span : d.path->span, t);
          if (d.alias) {
            auto it = module_.scope.find(d.alias->text);
            if (it != module_.scope.end()) AddSymbol(d.alias->span, it->second, true);
          }
          break;
        }
        break;
      }
      case DeclKind::Record: {
        const auto& d = decl.As<ast::RecordDecl>();
        const sema::Symbol* s = Declared(decl, sema::SymbolKind::Record);
        AddSymbol(d.name.span, s, true);
        for (const ast::FieldDecl& f : d.fields) {
          if (s && s->record) {
            if (const sema::RecordField* field = s->record->Find(f.name.text)) {
              Target t;
              t.kind = Target::Kind::Field;
              t.field = field;
              t.record = s->record;
              t.path = f.name.text;
              Add(f.name.span, t, true);
            }
          }
          if (f.type) Type(*f.type);
        }
        break;
      }
      case DeclKind::Input: Reference(decl.As<ast::InputDecl>().type_name); break;
      case DeclKind::Let: {
        const auto& d = decl.As<ast::LetDecl>();
        AddSymbol(d.name.span, Declared(decl, sema::SymbolKind::Let), true);
        Expr(d.value);
        break;
      }
      case DeclKind::Class: {
        const auto& d = decl.As<ast::ClassDecl>();
        AddSymbol(d.name.span, Declared(decl, sema::SymbolKind::Class), true);
        Expr(d.predicate);
        break;
      }
      case DeclKind::Group: {
        const auto& d = decl.As<ast::GroupDecl>();
        AddSymbol(d.name.span, Declared(decl, sema::SymbolKind::Group), true);
        for (const ast::GroupMember& m : d.members) Reference(m.ref);
        break;
      }
      case DeclKind::List: {
        const auto& d = decl.As<ast::ListDecl>();
        AddSymbol(d.name.span, Declared(decl, sema::SymbolKind::List), true);
        break;
      }
      case DeclKind::Rule: {
        const auto& d = decl.As<ast::RuleDecl>();
        if (!d.concise) AddSymbol(d.name.span, Declared(decl, sema::SymbolKind::Rule), true);
        if (d.class_name) Reference(*d.class_name);
        if (d.to) {
          for (const auto& n : d.to->include) Reference(n);
          for (const auto& n : d.to->except) Reference(n);
        }
        Clauses(d.clauses);
        break;
      }
      case DeclKind::Exception: {
        const auto& d = decl.As<ast::ExceptionDecl>();
        AddSymbol(d.name.span, Declared(decl, sema::SymbolKind::Exception), true);
        Rules(d.rules);
        Clauses(d.clauses);
        break;
      }
      case DeclKind::Suspend: Rules(decl.As<ast::SuspendDecl>().targets); break;
      case DeclKind::Default: break;
      case DeclKind::Test: {
        const auto& d = decl.As<ast::TestDecl>();
        GivenRecord(d.given, module_.input, "");
        Rules(d.by);
        break;
      }
    }
  }

  void Clauses(const ast::Clauses& c) {
    Expr(c.when);
    Expr(c.unless);
  }

  // A test's record literal: its keys are the input record's fields.
  void GivenRecord(const ast::Expr* e, const sema::RecordType* record, const std::string& prefix) {
    if (!e) return;
    if (e->kind != ast::ExprKind::Record) {
      Expr(e);
      return;
    }
    for (const ast::RecordFieldInit& init : e->As<ast::RecordExpr>().fields) {
      const sema::RecordField* field = record ? record->Find(init.name.text) : nullptr;
      std::string path = prefix.empty() ? init.name.text : prefix + "." + init.name.text;
      if (field) {
        Target t;
        t.kind = Target::Kind::Field;
        t.field = field;
        t.record = record;
        t.path = path;
        Add(init.name.span, t);
      }
      const sema::RecordType* inner =
          field && field->type.kind() == sema::TypeKind::Record ? field->type.record() : nullptr;
      GivenRecord(init.value, inner, path);
    }
  }

  // The input-field path an expression spells (`item.hs`), or "" when it is not one.
  std::string PathOf(const ast::Expr* e) const {
    if (e->kind == ast::ExprKind::Name) {
      const sema::NameRef* r = program_.RefOf(module_.id, e->id);
      if (r && r->kind == sema::RefKind::InputField) return e->As<ast::NameExpr>().name;
      return {};
    }
    if (e->kind == ast::ExprKind::Field) {
      const auto& f = e->As<ast::FieldExpr>();
      std::string base = PathOf(f.object);
      return base.empty() ? std::string() : base + "." + f.field.text;
    }
    return {};
  }

  void Expr(const ast::Expr* e) {
    if (!e) return;
    using ast::ExprKind;
    switch (e->kind) {
      case ExprKind::Name: {
        const sema::NameRef* r = program_.RefOf(module_.id, e->id);
        if (!r) return;
        switch (r->kind) {
          case sema::RefKind::Let:
          case sema::RefKind::Class:
          case sema::RefKind::Group:
          case sema::RefKind::List: AddSymbol(e->span, r->symbol); break;
          case sema::RefKind::Country: {
            Target t;
            t.kind = Target::Kind::Country;
            t.country = r->country;
            Add(e->span, t);
            break;
          }
          case sema::RefKind::InputField: {
            Target t;
            t.kind = Target::Kind::Field;
            t.field = r->field;
            t.record = module_.input;
            t.path = e->As<ast::NameExpr>().name;
            Add(e->span, t);
            break;
          }
        }
        return;
      }
      case ExprKind::Field: {
        const auto& f = e->As<ast::FieldExpr>();
        if (const sema::NameRef* r = program_.RefOf(module_.id, e->id); r && r->symbol) {
          // `T.x` through an import alias.
          if (f.object->kind == ExprKind::Name) {
            auto alias = module_.scope.find(f.object->As<ast::NameExpr>().name);
            if (alias != module_.scope.end()) AddSymbol(f.object->span, alias->second);
          }
          AddSymbol(f.field.span, r->symbol);
          return;
        }
        Expr(f.object);
        sema::Type object = program_.TypeOf(module_.id, f.object->id);
        if (object.kind() == sema::TypeKind::Record && object.record()) {
          if (const sema::RecordField* field = object.record()->Find(f.field.text)) {
            Target t;
            t.kind = Target::Kind::Field;
            t.field = field;
            t.record = object.record();
            t.path = PathOf(e);
            if (t.path.empty()) t.path = f.field.text;
            Add(f.field.span, t);
          }
        }
        return;
      }
      case ExprKind::Call: {
        const auto& c = e->As<ast::CallExpr>();
        Target t;
        t.kind = Target::Kind::Function;
        t.function = c.function.text;
        Add(c.function.span, t);
        for (const ast::Expr* a : c.args) Expr(a);
        return;
      }
      case ExprKind::Unary: Expr(e->As<ast::UnaryExpr>().operand); return;
      case ExprKind::Binary:
        Expr(e->As<ast::BinaryExpr>().lhs);
        Expr(e->As<ast::BinaryExpr>().rhs);
        return;
      case ExprKind::If: {
        const auto& i = e->As<ast::IfExpr>();
        Expr(i.cond);
        Expr(i.then_value);
        Expr(i.else_value);
        return;
      }
      case ExprKind::Set:
        for (const ast::Expr* x : e->As<ast::SetExpr>().elements) Expr(x);
        return;
      case ExprKind::List:
        for (const ast::Expr* x : e->As<ast::ListExpr>().elements) Expr(x);
        return;
      case ExprKind::Record:
        for (const auto& init : e->As<ast::RecordExpr>().fields) Expr(init.value);
        return;
      default: return;
    }
  }

  const sema::CheckedProgram& program_;
  const sema::CheckedModule& module_;
  std::vector<Occurrence>& out_;
  std::map<const ast::Decl*, std::vector<const sema::Symbol*>> by_decl_;
};

// The module of `program` whose file is `path` (normalised), or null.
const sema::CheckedModule* ModuleAt(const detail::CompiledState& s, const std::string& path) {
  for (const auto& m : s.checked->modules()) {
    if (Normal(m->path) == path) return m.get();
  }
  return nullptr;
}

// A span of the checked program as a TextSpan; an empty path for a span without a file (a
// declaration the parser recovered only in part).
TextSpan SpanOf(const detail::CompiledState& s, Span span) {
  if (!span.valid() || span.file >= s.sources.size()) return TextSpan{};
  return TextSpan{s.sources.Get(span.file).path(), span.begin, span.end};
}

// A declaration's identity across checks: its file and the offset of its name.
std::pair<std::string, uint32_t> KeyOf(const detail::CompiledState& s, const sema::Symbol* sym) {
  return {Normal(SpanOf(s, sym->name_span).path), sym->name_span.begin};
}

// Today's date (UTC), for "members today".
DayNumber TodayUtc() { return static_cast<DayNumber>(std::time(nullptr) / 86400); }

std::string FirstLine(std::string_view text) {
  size_t nl = text.find('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(0, nl));
}

}  // namespace

Workspace::Workspace(Engine engine) : state_(std::make_unique<detail::WorkspaceState>()) {
  state_->engine = std::move(engine);
}
Workspace::~Workspace() = default;

void Workspace::set_document(const std::string& path, std::string text) {
  state_->documents[Normal(path)] = std::move(text);
  ++state_->generation;
}

void Workspace::close_document(const std::string& path) {
  state_->documents.erase(Normal(path));
  state_->analyses.erase(Normal(path));
  ++state_->generation;
}

const std::string* Workspace::document(const std::string& path) const {
  auto it = state_->documents.find(Normal(path));
  return it == state_->documents.end() ? nullptr : &it->second;
}

std::vector<std::string> Workspace::documents() const {
  std::vector<std::string> out;
  for (const auto& [path, text] : state_->documents) out.push_back(path);
  return out;
}

namespace {

// The document checked (cached until any document changes).
Analysis& Analyse(detail::WorkspaceState& ws, const std::string& raw_path) {
  std::string path = Normal(raw_path);
  Analysis& a = ws.analyses[path];
  if (a.state && a.generation == ws.generation) return a;
  a = Analysis{};
  a.generation = ws.generation;
  auto s = std::make_shared<detail::CompiledState>();
  {
    std::lock_guard<std::recursive_mutex> lock(detail::CompileMutex());
    frontend::PipelineOptions options;
    detail::EngineState engine_state;
    engine_state.options = ws.engine.options();
    options.check = detail::CheckOptionsOf(engine_state);
    options.lower = false;  // an editor needs the checked program, not the IR
    std::set<std::string>* loaded = &a.loaded;
    const auto* docs = &ws.documents;
    options.check.read_file = [docs, loaded](const std::string& p) -> std::optional<std::string> {
      std::string n = Normal(p);
      loaded->insert(n);
      auto it = docs->find(n);
      if (it != docs->end()) return it->second;
      return ReadFileText(p);
    };
    auto it = ws.documents.find(path);
    frontend::Compiled compiled;
    if (it != ws.documents.end()) {
      compiled = frontend::CompileText(s->sources, path, it->second, s->diags, options);
    } else {
      compiled = frontend::CompileFiles(s->sources, {path}, s->diags, options);
    }
    s->checked = std::move(compiled.checked);
    for (std::string& message : compiled.internal)
      s->extra.push_back(detail::InternalDiagnostic("internal", std::move(message)));
  }
  s->diags.SortByLocation();
  s->ok = !s->diags.has_errors() && s->extra.empty();
  a.state = s;
  for (const auto& m : s->checked->modules()) {
    if (m->is_stdlib || !m->ast) continue;
    Collector(*s->checked, *m, a.occurrences).Run();
  }
  std::sort(a.occurrences.begin(), a.occurrences.end(),
            [](const Occurrence& x, const Occurrence& y) {
              return std::tie(x.span.file, x.span.begin) < std::tie(y.span.file, y.span.begin);
            });
  return a;
}

// The occurrence at byte `offset` of the document (the innermost, if several).
const Occurrence* At(const Analysis& a, const std::string& path, uint32_t offset) {
  const sema::CheckedModule* m = ModuleAt(*a.state, path);
  if (!m) return nullptr;
  const Occurrence* best = nullptr;
  for (const Occurrence& o : a.occurrences) {
    if (o.span.file != m->file || offset < o.span.begin || offset > o.span.end) continue;
    if (!best || o.span.end - o.span.begin < best->span.end - best->span.begin) best = &o;
  }
  return best;
}

std::string Describe(const detail::CompiledState& s, const Target& t) {
  switch (t.kind) {
    case Target::Kind::Symbol: {
      const sema::Symbol* sym = t.symbol;
      const sema::CheckedModule& m = s.checked->module(sym->module);
      std::string out = fmt::format("```licit\n{}\n```\n", [&] {
        Span d = sym->decl ? sym->decl->span : Span{};
        if (!d.valid() || d.file >= s.sources.size() || d.end < d.begin) {
          return fmt::format("{} {}", KindWord(sym->kind), sym->name);
        }
        const std::string& text = s.sources.Get(d.file).text();
        std::string source = text.substr(d.begin, std::min<uint32_t>(d.end - d.begin, 600));
        return FirstLine(source) + (source.find('\n') != std::string::npos ? " ..." : "");
      }());
      out += fmt::format("{} `{}` of policy `{}`", KindWord(sym->kind), sym->name, m.name);
      if (sym->kind == sema::SymbolKind::Let && !sym->type.is_error()) {
        out += fmt::format(": `{}`", sym->type.ToString());
      }
      if (sym->decl && sym->decl->kind == ast::DeclKind::Rule) {
        const auto& r = sym->decl->As<ast::RuleDecl>();
        if (r.clauses.because) out += fmt::format("\n\n{}", r.clauses.because->value);
        if (r.clauses.cite) out += fmt::format("\n\n*{}*", r.clauses.cite->value);
      }
      if (sym->decl && sym->decl->kind == ast::DeclKind::Exception) {
        const auto& r = sym->decl->As<ast::ExceptionDecl>();
        if (r.clauses.because) out += fmt::format("\n\n{}", r.clauses.because->value);
        if (r.clauses.cite) out += fmt::format("\n\n*{}*", r.clauses.cite->value);
      }
      if (sym->kind == sema::SymbolKind::Group) {
        DayNumber today = TodayUtc();
        std::vector<std::string> members;
        for (const auto& [country, ranges] : s.checked->MembersOf(sym)) {
          for (const sema::DayRange& r : ranges) {
            if (r.Contains(today)) {
              members.emplace_back(AllCountries()[country].code);
              break;
            }
          }
        }
        out += fmt::format("\n\nMembers today ({}): {}", members.size(), fmt::join(members, ", "));
      }
      if (sym->kind == sema::SymbolKind::List) {
        const auto& l = sym->decl->As<ast::ListDecl>();
        if (l.because) out += fmt::format("\n\n{}", l.because->value);
        if (l.cite) out += fmt::format("\n\n*{}*", l.cite->value);
        if (auto list = s.checked->ListOf(sym)) {
          DayNumber today = TodayUtc();
          size_t listed = 0;
          for (const screening::Entry& e : list->entries()) {
            listed += e.listed <= today && today < e.delisted ? 1 : 0;
          }
          out += fmt::format(
              "\n\n{} entries ({} listed today) in `{}`; match from {}, possible match from {}",
              list->entries().size(), listed, l.path.value, list->thresholds().match,
              list->thresholds().review);
        }
      }
      return out;
    }
    case Target::Kind::Field:
      return fmt::format("```licit\n{}: {}{}\n```\nfield of record `{}`", t.path,
                         t.field->type.ToString(), t.field->optional ? "?" : "",
                         t.record ? t.record->qualified_name : "");
    case Target::Kind::Country: {
      const CountryInfo& c = AllCountries()[t.country];
      // The groups of the checked program the country is in today.
      DayNumber today = TodayUtc();
      std::vector<std::string> groups;
      for (const auto& m : s.checked->modules()) {
        for (const auto& sym : m->symbols) {
          if (sym->kind != sema::SymbolKind::Group) continue;
          const auto& members = s.checked->MembersOf(sym.get());
          auto it = members.find(t.country);
          if (it == members.end()) continue;
          for (const sema::DayRange& r : it->second) {
            if (r.Contains(today)) {
              groups.push_back(m->name + "." + sym->name);
              break;
            }
          }
        }
      }
      std::string out = fmt::format("`{}` ({})", c.code, c.name);
      if (!groups.empty())
        out += fmt::format("\n\nIn these groups today: {}", fmt::join(groups, ", "));
      return out;
    }
    case Target::Kind::Module: {
      const sema::CheckedModule& m = s.checked->module(t.module);
      return fmt::format("policy `{}` ({})", m.name, m.path);
    }
    case Target::Kind::Function:
      for (const rt::BuiltinInfo& f : rt::AllBuiltins()) {
        if (t.function == f.name) {
          return fmt::format("standard function `{}` ({} argument{})", f.name, int(f.arity),
                             f.arity == 1 ? "" : "s");
        }
      }
      return fmt::format("`{}`: not a standard function", t.function);
  }
  return {};
}

// Where a target is declared.
std::optional<TextSpan> DeclarationOf(const detail::CompiledState& s, const Target& t) {
  switch (t.kind) {
    case Target::Kind::Symbol: return SpanOf(s, t.symbol->name_span);
    case Target::Kind::Field:
      if (t.field->span.valid()) return SpanOf(s, t.field->span);
      return std::nullopt;
    case Target::Kind::Module: {
      const sema::CheckedModule& m = s.checked->module(t.module);
      return TextSpan{s.sources.Get(m.file).path(), 0, 0};
    }
    default: return std::nullopt;
  }
}

}  // namespace

Compilation Workspace::check(const std::string& path) {
  return Compilation(Analyse(*state_, path).state);
}

std::vector<std::string> Workspace::dependents(const std::string& path) const {
  std::string target = Normal(path);
  std::vector<std::string> out;
  for (const auto& [doc, analysis] : state_->analyses) {
    if (doc != target && analysis.loaded.count(target)) out.push_back(doc);
  }
  return out;
}

std::optional<HoverInfo> Workspace::hover(const std::string& path, uint32_t offset) {
  Analysis& a = Analyse(*state_, path);
  const Occurrence* o = At(a, Normal(path), offset);
  if (!o) return std::nullopt;
  return HoverInfo{Describe(*a.state, o->target), SpanOf(*a.state, o->span)};
}

std::vector<TextSpan> Workspace::definition(const std::string& path, uint32_t offset) {
  Analysis& a = Analyse(*state_, path);
  const Occurrence* o = At(a, Normal(path), offset);
  if (!o) return {};
  if (auto d = DeclarationOf(*a.state, o->target)) return {*d};
  return {};
}

std::vector<TextSpan> Workspace::references(const std::string& path, uint32_t offset,
                                            bool include_declaration) {
  Analysis& a = Analyse(*state_, path);
  const Occurrence* o = At(a, Normal(path), offset);
  if (!o || o->target.kind != Target::Kind::Symbol) return {};
  auto key = KeyOf(*a.state, o->target.symbol);
  std::set<std::tuple<std::string, uint32_t, uint32_t>> seen;
  std::vector<TextSpan> out;
  // The document itself, then every other open document (a use may be in a file importing it).
  std::vector<std::string> docs{Normal(path)};
  for (const auto& [doc, text] : state_->documents) {
    if (doc != docs[0]) docs.push_back(doc);
  }
  for (const std::string& doc : docs) {
    Analysis& b = Analyse(*state_, doc);
    for (const Occurrence& occ : b.occurrences) {
      if (occ.target.kind != Target::Kind::Symbol || KeyOf(*b.state, occ.target.symbol) != key)
        continue;
      if (occ.declaration && !include_declaration) continue;
      TextSpan span = SpanOf(*b.state, occ.span);
      if (seen.insert({Normal(span.path), span.begin, span.end}).second) out.push_back(span);
    }
  }
  std::sort(out.begin(), out.end(), [](const TextSpan& x, const TextSpan& y) {
    return std::tie(x.path, x.begin) < std::tie(y.path, y.begin);
  });
  return out;
}

std::vector<TextEdit> Workspace::rename(const std::string& path, uint32_t offset,
                                        const std::string& new_name, std::string* error) {
  Analysis& a = Analyse(*state_, path);
  const Occurrence* o = At(a, Normal(path), offset);
  if (!o || o->target.kind != Target::Kind::Symbol) {
    *error = "there is no declared name here to rename";
    return {};
  }
  const sema::Symbol* sym = o->target.symbol;
  if (a.state->checked->module(sym->module).is_stdlib) {
    *error =
        fmt::format("`{}` is declared in the standard library, which cannot be changed", sym->name);
    return {};
  }
  // A name: letters, digits and `_`, then kebab segments that each contain a letter.
  bool valid = !new_name.empty() &&
               (std::isalpha(static_cast<unsigned char>(new_name[0])) || new_name[0] == '_');
  bool segment_has_letter = true;
  for (size_t i = 1; valid && i < new_name.size(); ++i) {
    char c = new_name[i];
    if (c == '-') {
      if (!segment_has_letter || i + 1 == new_name.size()) valid = false;
      segment_has_letter = false;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      segment_has_letter = true;
    } else if (!std::isdigit(static_cast<unsigned char>(c)) && c != '_') {
      valid = false;
    }
  }
  if (!valid || !segment_has_letter ||
      (new_name.size() == 2 && std::isupper(new_name[0]) && std::isupper(new_name[1]))) {
    *error = fmt::format(
        "`{}` is not a valid name (letters, digits, `_` and `-`; two capital "
        "letters are a country code)",
        new_name);
    return {};
  }
  const sema::CheckedModule& declaring = a.state->checked->module(sym->module);
  if (declaring.scope.count(new_name)) {
    *error = fmt::format("`{}` is already declared in policy `{}`", new_name, declaring.name);
    return {};
  }
  std::vector<TextEdit> edits;
  for (const TextSpan& span : references(path, offset, true)) edits.push_back({span, new_name});
  return edits;
}

std::vector<DocumentSymbol> Workspace::symbols(const std::string& path) {
  Analysis& a = Analyse(*state_, path);
  const sema::CheckedModule* m = ModuleAt(*a.state, Normal(path));
  std::vector<DocumentSymbol> out;
  if (!m || !m->ast) return out;
  const std::string& text = a.state->sources.Get(m->file).text();
  auto span = [&](Span sp) { return SpanOf(*a.state, sp); };
  auto keyword = [&](const ast::Decl& d) {
    // The declaration's first word, for those without a name.
    uint32_t end = d.span.begin;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
    return Span{d.span.file, d.span.begin, end};
  };
  for (const ast::Decl* d : m->ast->decls()) {
    DocumentSymbol sym;
    sym.span = span(d->span);
    sym.kind = ast::DeclKindName(d->kind);
    switch (d->kind) {
      case ast::DeclKind::Policy: {
        const auto& p = d->As<ast::PolicyDecl>();
        sym.name = p.name.ToString();
        sym.name_span = span(p.name.span);
        if (p.title) sym.detail = p.title->value;
        break;
      }
      case ast::DeclKind::Import:
      case ast::DeclKind::Input: continue;
      case ast::DeclKind::Suspend: {
        const auto& s = d->As<ast::SuspendDecl>();
        std::vector<std::string> names;
        for (const auto& t : s.targets) names.push_back(t.text);
        sym.name = fmt::format("suspend {}", fmt::join(names, ", "));
        sym.kind = "suspension";
        sym.name_span = span(keyword(*d));
        break;
      }
      case ast::DeclKind::Default:
        sym.name =
            fmt::format("default {}", ast::EffectName(d->As<ast::DefaultDecl>().effect.effect));
        sym.name_span = span(keyword(*d));
        break;
      case ast::DeclKind::Test: {
        const auto& t = d->As<ast::TestDecl>();
        sym.name = fmt::format("test \"{}\"", t.name.value);
        sym.detail = ast::EffectName(t.expect.effect);
        sym.name_span = span(t.name.span);
        break;
      }
      case ast::DeclKind::Rule: {
        const auto& r = d->As<ast::RuleDecl>();
        sym.name = r.name.text;
        sym.name_span = span(r.concise ? keyword(*d) : r.name.span);
        if (r.concise) sym.name_span = span(Span{d->span.file, d->span.begin, r.name.span.end});
        sym.detail = ast::EffectName(r.effect.effect);
        if (r.effect.license_name)
          sym.detail += fmt::format(" \"{}\"", r.effect.license_name->value);
        break;
      }
      default: {
        const ast::Ident* name = ast::DeclName(*d);
        if (!name) continue;
        sym.name = name->text;
        sym.name_span = span(name->span);
        if (d->kind == ast::DeclKind::Let) {
          for (const auto& s : m->symbols) {
            if (s->decl == d) sym.detail = s->type.ToString();
          }
        }
        break;
      }
    }
    if (sym.span.path.empty()) continue;
    if (sym.name_span.path.empty())
      sym.name_span = TextSpan{sym.span.path, sym.span.begin, sym.span.begin};
    out.push_back(std::move(sym));
  }
  return out;
}

std::vector<TestInfo> Workspace::tests(const std::string& path) {
  std::vector<TestInfo> out;
  for (const DocumentSymbol& s : symbols(path)) {
    if (s.kind != "test") continue;
    // "test \"name\"" back to the name.
    out.push_back(TestInfo{s.name.substr(6, s.name.size() - 7), s.span});
  }
  return out;
}

TestReport Workspace::run_tests(const std::string& path, const std::string& only) {
  std::vector<std::pair<std::string, std::string>> files;
  std::string root = Normal(path);
  if (const std::string* text = document(root)) {
    files.emplace_back(root, *text);
  } else {
    return state_->engine.compile_files({root}).policy().run_tests();
  }
  // The other open documents, for imports among them; anything else is not visible to
  // compile_sources, so imports of unopened files are added from disk by the checker's reads.
  for (const auto& [doc, text] : state_->documents) {
    if (doc != root) files.emplace_back(doc, text);
  }
  for (const std::string& loaded : Analyse(*state_, root).loaded) {
    if (state_->documents.count(loaded)) continue;
    if (std::optional<std::string> text = ReadFileText(loaded)) {
      files.emplace_back(loaded, std::move(*text));
    }
  }
  Compilation c = state_->engine.compile_sources(files, 1);
  TestReport report = c.policy().run_tests();
  if (!only.empty()) {
    std::vector<TestCase> kept;
    for (TestCase& t : report.tests) {
      if (t.name == only && Normal(t.file) == root) kept.push_back(std::move(t));
    }
    report.tests = std::move(kept);
    report.passed = report.failed = 0;
    for (const TestCase& t : report.tests) ++(t.passed ? report.passed : report.failed);
    report.uncovered.clear();
  }
  return report;
}

Formatted Workspace::format(const std::string& path) const {
  const std::string* text = document(path);
  if (!text) return state_->engine.format_source(path, "");
  return state_->engine.format_source(path, *text);
}

const std::string* Workspace::stdlib_text(const std::string& path) {
  static const std::map<std::string, std::string>* texts = [] {
    auto* m = new std::map<std::string, std::string>;
    for (const stdlib::EmbeddedModule& e : stdlib::EmbeddedModules()) {
      (*m)[std::string(e.path)] = std::string(e.source);
    }
    return m;
  }();
  auto it = texts->find(Normal(path));
  return it == texts->end() ? nullptr : &it->second;
}

std::vector<CompletionItem> Workspace::completions(const std::string& path, uint32_t offset) {
  std::vector<CompletionItem> out;
  const std::string* text_ptr = document(path);
  std::string text = text_ptr ? *text_ptr : std::string();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = (line_start == std::string::npos || offset == 0) ? 0 : line_start + 1;
  std::string before = text.substr(line_start, offset - line_start);
  auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  };
  // The word being typed and what precedes it.
  size_t word_start = before.size();
  while (word_start > 0 && is_name_char(before[word_start - 1])) --word_start;
  std::string prefix_text = before.substr(0, word_start);

  // `import ` -> modules.
  if (prefix_text.rfind("import ", 0) == 0 &&
      prefix_text.find_first_not_of(' ', 7) == std::string::npos) {
    for (const stdlib::EmbeddedModule& e : stdlib::EmbeddedModules()) {
      out.push_back({std::string(e.name), "module", std::string(e.path)});
    }
    return out;
  }
  // Only `import` is offered in column 1 of an import line, so do not fall through for `std.`.
  Analysis& a = Analyse(*state_, path);
  const sema::CheckedModule* m = ModuleAt(*a.state, Normal(path));

  // `chain.` -> the fields of the record the chain names.
  if (!prefix_text.empty() && prefix_text.back() == '.') {
    size_t chain_start = prefix_text.size() - 1;
    while (chain_start > 0 &&
           (is_name_char(prefix_text[chain_start - 1]) || prefix_text[chain_start - 1] == '.')) {
      --chain_start;
    }
    std::string chain = prefix_text.substr(chain_start, prefix_text.size() - 1 - chain_start);
    if (prefix_text.rfind("import ", 0) == 0 && chain == "std") {
      for (const stdlib::EmbeddedModule& e : stdlib::EmbeddedModules()) {
        out.push_back({std::string(e.name.substr(4)), "module", std::string(e.path)});
      }
      return out;
    }
    if (!m) return out;
    std::vector<std::string> parts;
    for (size_t start = 0; start <= chain.size();) {
      size_t dot = chain.find('.', start);
      parts.push_back(
          chain.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    const sema::RecordType* record = nullptr;
    size_t i = 0;
    if (!parts.empty()) {
      auto alias = m->scope.find(parts[0]);
      if (alias != m->scope.end() && alias->second->kind == sema::SymbolKind::ImportAlias &&
          parts.size() == 1) {
        for (const auto& [name, sym] :
             a.state->checked->module(alias->second->alias_target).exports) {
          out.push_back(
              {name, KindWord(sym->kind), "from " + a.state->checked->module(sym->module).name});
        }
        return out;
      }
      if (m->input) {
        record = m->input;
        for (; i < parts.size() && record; ++i) {
          const sema::RecordField* f = record->Find(parts[i]);
          if (!f) {
            record = nullptr;
            break;
          }
          record = f->type.kind() == sema::TypeKind::Record ? f->type.record() : nullptr;
        }
      }
    }
    if (record) {
      for (const sema::RecordField& f : record->fields) {
        out.push_back(
            {f.name, "field",
             fmt::format("{}.{}: {}{}", chain, f.name, f.type.ToString(), f.optional ? "?" : "")});
      }
    }
    return out;
  }

  // A list declaration's options (`list csl = "consolidated.csv" format csl review 0.85`): after
  // the file name or a whole option, the option names; after `format`, the formats.
  if (prefix_text.rfind("list ", 0) == 0 && prefix_text.find('"') != std::string::npos) {
    std::string words = prefix_text.substr(prefix_text.find('"'));
    const bool in_file_name = std::count(words.begin(), words.end(), '"') % 2 == 1;
    while (!words.empty() && words.back() == ' ') words.pop_back();
    if (in_file_name) return out;
    if (words.size() >= 6 && words.compare(words.size() - 6, 6, "format") == 0) {
      out.push_back({"licit", "format", "id,name,aliases,country,listed,delisted,source,remarks"});
      out.push_back({"csl", "format", "the US Consolidated Screening List's CSV"});
      return out;
    }
    out.push_back({"format", "list option", "format licit | csl: the file's columns"});
    out.push_back({"match", "list option", "match 0.92: the score from which a name matches"});
    out.push_back(
        {"review", "list option", "review 0.85: the score from which a name is reviewed"});
    out.push_back({"cleared", "list option", "cleared \"FILE\": reviewed false positives"});
    out.push_back({"because", "list option", "because \"TEXT\": the reason decisions give"});
    out.push_back({"cite", "list option", "cite \"TEXT\": the legal citation decisions give"});
    return out;
  }

  std::string trimmed = prefix_text;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();

  // After `matches`: the lists first (`end_user matches jp-control`); a glob is a string.
  constexpr std::string_view kMatches = "matches";
  const size_t k = kMatches.size();
  if (m && trimmed.size() >= k && trimmed.compare(trimmed.size() - k, k, kMatches) == 0 &&
      (trimmed.size() == k || !is_name_char(trimmed[trimmed.size() - k - 1]))) {
    for (const auto& [name, sym] : m->scope) {
      if (sym->kind == sema::SymbolKind::List) {
        out.push_back({name, "list", "list of " + a.state->checked->module(sym->module).name});
      }
    }
    if (!out.empty()) return out;
  }

  // After a rule's `:` (`rule x: `, `class to JP: `) -> effects.
  if (!trimmed.empty() && trimmed.back() == ':' && trimmed.find('{') == std::string::npos) {
    for (const char* e : {"deny", "license", "review", "exempt", "allow"}) {
      out.push_back({e, "effect", "effect"});
    }
    return out;
  }

  // Column 1: the declaration keywords (and class names, which start a concise rule).
  if (prefix_text.empty()) {
    for (const char* k : {"policy", "import", "record", "input", "let", "class", "group", "list",
                          "rule", "exception", "suspend", "default", "test"}) {
      out.push_back({k, "keyword", "declaration"});
    }
    if (m) {
      for (const auto& [name, sym] : m->scope) {
        if (sym->kind == sema::SymbolKind::Class) out.push_back({name, "class", "concise rule"});
      }
    }
    return out;
  }
  // Anywhere else in a declaration: clause and expression keywords, names, fields, functions,
  // countries.
  for (const char* k : {"when",   "unless", "since", "until", "because", "cite",  "to",      "any",
                        "except", "and",    "or",    "not",   "in",      "under", "matches", "if",
                        "then",   "else",   "true",  "false", "by",      "given", "expect"}) {
    out.push_back({k, "keyword", "keyword"});
  }
  if (m) {
    for (const auto& [name, sym] : m->scope) {
      std::string kind = KindWord(sym->kind);
      out.push_back({name, kind, kind + " of " + a.state->checked->module(sym->module).name});
    }
    if (m->input) {
      for (const sema::RecordField& f : m->input->fields) {
        out.push_back({f.name, "field",
                       fmt::format("{}: {}{}", f.name, f.type.ToString(), f.optional ? "?" : "")});
      }
    }
  }
  for (const rt::BuiltinInfo& f : rt::AllBuiltins())
    out.push_back({f.name, "function", "standard function"});
  for (const CountryInfo& c : AllCountries()) {
    out.push_back({std::string(c.code), "country", "country " + std::string(c.name)});
  }
  return out;
}

}  // namespace licit
