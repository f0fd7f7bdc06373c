// Loading, name tables, declarations, rules, dates and warnings. Expressions are in
// expr_check.cpp.
#include "frontend/sema/check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/country_names.h"
#include "base/did_you_mean.h"
#include "base/iso_codes.h"
#include "frontend/sema/checker_internal.h"
#include "frontend/syntax/parse.h"
#include "stdlib/embedded.h"

namespace licit::sema {
namespace {

namespace fs = std::filesystem;

// A path written in a policy file (an import, a list file), relative to that file's directory.
std::string Beside(const std::string& policy_path, const std::string& relative) {
  return (fs::path(policy_path).parent_path() / relative).lexically_normal().string();
}

std::string CanonicalKey(const std::string& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : canonical.string();
}

std::string CountryHelp(CountryId id) {
  const CountryInfo& c = AllCountries()[id];
  return fmt::format("did you mean `{}` ({})?", c.code, c.name);
}

bool IsUpperTwoLetters(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

std::string FormatRange(const DayRange& r) {
  std::string since = r.since == DayRange::kOpenStart ? "the beginning" : FormatDate(r.since);
  std::string until = r.until == DayRange::kOpenEnd ? "open-ended" : FormatDate(r.until);
  return since + " to " + until;
}

SymbolKind KindOfDecl(ast::DeclKind k) {
  switch (k) {
    case ast::DeclKind::Record: return SymbolKind::Record;
    case ast::DeclKind::Let: return SymbolKind::Let;
    case ast::DeclKind::Class: return SymbolKind::Class;
    case ast::DeclKind::Group: return SymbolKind::Group;
    case ast::DeclKind::List: return SymbolKind::List;
    case ast::DeclKind::Rule: return SymbolKind::Rule;
    case ast::DeclKind::Exception: return SymbolKind::Exception;
    default: return SymbolKind::ImportAlias;
  }
}

const char* Article(SymbolKind k) {
  return k == SymbolKind::ImportAlias || k == SymbolKind::Exception ? "an" : "a";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Loading.

ModuleId Checker::AddLoadedModule(const std::string& key, const std::string& path, std::string text,
                                  bool is_stdlib) {
  FileId file = sources_.Add(path, std::move(text));
  CheckedModule& m = program_.AddModule();
  m.file = file;
  m.path = path;
  m.is_stdlib = is_stdlib;
  // The limit guards against hostile policy files; the embedded standard library is ours.
  syntax::ParseOptions parse_options;
  if (!is_stdlib) parse_options.max_source_bytes = options_.max_source_bytes;
  m.ast = syntax::Parse(sources_, file, diags_, parse_options);
  if (!m.ast) m.ast = std::make_unique<ast::Module>(file);
  m.types.assign(m.ast->node_count(), Type::Error());
  if (const ast::PolicyDecl* p = m.ast->policy()) m.name = p->name.ToString();
  loaded_[key] = m.id;
  state_.push_back(LoadState::Loading);
  load_stack_.push_back(m.id);
  LoadImports(m.id);
  load_stack_.pop_back();
  state_[m.id] = LoadState::Done;
  check_order_.push_back(m.id);
  return m.id;
}

std::optional<std::string> Checker::ReadPolicyFile(const std::string& path) const {
  return options_.read_file ? options_.read_file(path) : ReadFileText(path);
}

void Checker::LoadRootFile(const std::string& path) {
  std::string key = CanonicalKey(path);
  if (auto it = loaded_.find(key); it != loaded_.end()) {
    CheckedModule& m = program_.mutable_module(it->second);
    if (!m.is_root) {
      m.is_root = true;
      program_.mutable_roots().push_back(m.id);
    }
    return;
  }
  std::optional<std::string> text = ReadPolicyFile(path);
  if (!text) {
    // No file to point into: the diagnostic has no span, the renderer shows the message alone.
    diags_.Report(DiagKind::FileNotFound, Span{}, fmt::format("cannot read `{}`", path))
        .Help("check the path and the file's permissions");
    return;
  }
  ModuleId id = AddLoadedModule(key, path, std::move(*text), false);
  program_.mutable_module(id).is_root = true;
  program_.mutable_roots().push_back(id);
}

void Checker::LoadRootText(const std::string& path, std::string text) {
  // A root an earlier root imported (several files held in memory, importing each other) is
  // already loaded, from the same text: it only becomes a root too, as in LoadRootFile.
  std::string key = CanonicalKey(path);
  if (auto it = loaded_.find(key); it != loaded_.end()) {
    CheckedModule& m = program_.mutable_module(it->second);
    if (!m.is_root) {
      m.is_root = true;
      program_.mutable_roots().push_back(m.id);
    }
    return;
  }
  ModuleId id = AddLoadedModule(key, path, std::move(text), false);
  program_.mutable_module(id).is_root = true;
  program_.mutable_roots().push_back(id);
}

bool Checker::CheckCycle(ModuleId importer, const std::string& key, Span span) {
  auto it = loaded_.find(key);
  if (it == loaded_.end() || state_[it->second] != LoadState::Loading) return false;
  ModuleId target = it->second;
  auto pos = std::find(load_stack_.begin(), load_stack_.end(), target);
  std::string chain;
  for (auto p = pos; p != load_stack_.end(); ++p) {
    chain += program_.module(*p).path + " -> ";
  }
  chain += program_.module(target).path;
  auto& d = diags_.Report(DiagKind::ImportCycle, span,
                          target == importer
                              ? fmt::format("`{}` imports itself", program_.module(target).path)
                              : fmt::format("import cycle: {}", chain));
  d.Label("this import closes the cycle");
  d.Help(target == importer
             ? "remove this import: a file's own declarations are always visible in it"
             : "move the shared declarations into a file that both can import");
  return true;
}

std::optional<ModuleId> Checker::LoadStd(const std::string& name, Span span, bool implicit) {
  std::string key = "std:" + name;
  if (auto it = loaded_.find(key); it != loaded_.end()) {
    if (state_[it->second] == LoadState::Loading) {
      if (implicit) return std::nullopt;
      CheckCycle(load_stack_.back(), key, span);
      return std::nullopt;
    }
    return it->second;
  }
  std::vector<std::string> names;
  for (const auto& em : stdlib::EmbeddedModules()) names.emplace_back(em.name);
  if (!options_.stdlib_dir.empty()) {
    std::string rel = name;
    std::replace(rel.begin(), rel.end(), '.', '/');
    std::string path = (fs::path(options_.stdlib_dir) / (rel + ".licit")).string();
    if (std::optional<std::string> text = ReadFileText(path)) {
      return AddLoadedModule(key, path, std::move(*text), true);
    }
  } else {
    for (const auto& em : stdlib::EmbeddedModules()) {
      if (em.name == name) {
        return AddLoadedModule(key, std::string(em.path), std::string(em.source), true);
      }
    }
  }
  if (!implicit) {
    auto& d = diags_.Report(DiagKind::UnknownModule, span,
                            fmt::format("there is no standard module `{}`", name));
    d.Label("not in the standard library");
    if (auto best = ClosestMatch(name, names)) {
      d.Help(fmt::format("did you mean `{}`?", *best));
    } else if (!name.starts_with("std.")) {
      d.Help("to import a file, write its path as a string: `import \"file.licit\"`");
    }
  }
  return std::nullopt;
}

std::optional<ModuleId> Checker::LoadRelative(ModuleId importer, const ast::StringLit& lit) {
  std::string path = Beside(program_.module(importer).path, lit.value);
  std::string key = CanonicalKey(path);
  if (auto it = loaded_.find(key); it != loaded_.end()) {
    if (CheckCycle(importer, key, lit.span)) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> text = ReadPolicyFile(path);
  if (!text) {
    diags_.Report(DiagKind::ImportNotFound, lit.span, fmt::format("cannot read `{}`", path))
        .Label("imported here")
        .Help("paths are relative to the importing file's directory");
    return std::nullopt;
  }
  return AddLoadedModule(key, path, std::move(*text), false);
}

void Checker::LoadImports(ModuleId id) {
  bool has_input = false;
  std::vector<const ast::ImportDecl*> imports;
  for (const ast::Decl* d : program_.module(id).ast->decls()) {
    if (d == nullptr) continue;
    if (d->kind == ast::DeclKind::Input) has_input = true;
    if (d->kind == ast::DeclKind::Import) imports.push_back(&d->As<ast::ImportDecl>());
  }
  for (const ast::ImportDecl* imp : imports) {
    std::optional<ModuleId> target;
    if (imp->module) {
      target = LoadStd(imp->module->ToString(), imp->module->span, false);
    } else if (imp->path) {
      target = LoadRelative(id, *imp->path);
    }
    if (target) {
      import_targets_[imp] = *target;
      program_.mutable_module(id).imports.push_back(*target);
    }
  }
  // Without `input`, the policy judges std.trade.Shipment: load it even when not imported.
  if (!has_input && program_.module(id).name != "std.trade") {
    LoadStd("std.trade", Span{}, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Declarations.

void Checker::CheckAll() {
  for (ModuleId id : check_order_) CheckModule(program_.mutable_module(id));
}

void Checker::MarkUsed(CheckedModule& m, const Symbol* s) {
  if (s == nullptr) return;
  const_cast<Symbol*>(s)->used = true;
  if (s->module != m.id) used_imports_[m.id].insert(s->module);
}

void Checker::CheckModule(CheckedModule& m) {
  DeclareNames(m);
  LoadLists(m);
  AddImportedNames(m);
  ResolveRecords(m);
  ResolveInput(m);
  CheckDeclNamesAgainstFields(m);
  CheckPolicyHeader(m);
  std::vector<Symbol*> order;
  OrderDefinitions(m, &order);
  for (Symbol* s : order) CheckDefinition(m, *s);
  CheckRules(m);
  CheckExceptionsSuspensionsTests(m);
  CheckDateField(m);
  ReportConflictingRules(m);
  if (m.is_root && !m.is_stdlib) ReportUnused(m);
}

void Checker::DeclareNames(CheckedModule& m) {
  std::map<std::string, Symbol*> local;
  for (const ast::Decl* d : m.ast->decls()) {
    if (d == nullptr) continue;
    const ast::Ident* name = ast::DeclName(*d);
    SymbolKind kind = KindOfDecl(d->kind);
    if (d->kind == ast::DeclKind::Import) {
      const auto& imp = d->As<ast::ImportDecl>();
      if (!imp.alias) continue;
      name = &*imp.alias;
    }
    if (name == nullptr || name->text.empty()) continue;
    auto sym = std::make_unique<Symbol>();
    sym->kind = kind;
    sym->name = name->text;
    sym->module = m.id;
    sym->decl = d;
    sym->name_span = name->span;
    if (kind == SymbolKind::Class) sym->type = Type::Bool();
    if (kind == SymbolKind::Class && m.is_root && !options_.probe.empty() &&
        sym->name == options_.probe && program_.probe() == nullptr) {
      sym->used = true;  // the REPL's probe (CheckOptions::probe): nothing refers to it
      program_.set_probe(sym.get(), options_.probe_record);
    }
    if (kind == SymbolKind::ImportAlias) {
      auto it = import_targets_.find(&d->As<ast::ImportDecl>());
      if (it != import_targets_.end()) sym->alias_target = it->second;
      else sym->used = true;  // a failed import was already reported; do not warn it unused
    }
    if (FindCountry(name->text)) {
      diags_
          .Report(DiagKind::NameIsCountry, name->span,
                  fmt::format("`{}` is a country code and cannot name a {}", name->text,
                              SymbolKindName(kind)))
          .Label(std::string(AllCountries()[*FindCountry(name->text)].name))
          .Help("country codes are literals in every expression; choose another name");
    }
    auto [it, inserted] = local.emplace(name->text, sym.get());
    if (!inserted) {
      const Symbol* first = it->second;
      bool rules = first->kind == SymbolKind::Rule && kind == SymbolKind::Rule;
      bool concise =
          rules && ((d->As<ast::RuleDecl>().concise) || first->decl->As<ast::RuleDecl>().concise);
      if (concise) {
        diags_
            .Report(DiagKind::DuplicateRule, name->span,
                    fmt::format("two rules are named `{}`", name->text))
            .Label("second rule with this name")
            .Also(first->name_span, "first rule with this name")
            .Help("name one of them with `rule NAME:`");
      } else {
        diags_
            .Report(DiagKind::DuplicateName, name->span,
                    fmt::format("`{}` is declared twice", name->text))
            .Label(fmt::format("{} `{}` redeclared here", SymbolKindName(kind), name->text))
            .Also(first->name_span, "first declared here")
            .Help("declarations share one namespace per file; rename one of them");
      }
      sym->used = true;  // don't also warn that the duplicate is unused
    } else {
      m.scope[name->text] = sym.get();
      if (kind == SymbolKind::Record || kind == SymbolKind::Let || kind == SymbolKind::Class ||
          kind == SymbolKind::Group || kind == SymbolKind::List) {
        m.exports[name->text] = sym.get();
      }
    }
    m.symbols.push_back(std::move(sym));
  }
}

void Checker::LoadLists(CheckedModule& m) {
  // A list or cleared file, relative to the policy file; nullopt (reported) when unreadable.
  auto read = [&](const ast::StringLit& lit, const char* what) -> std::optional<FileId> {
    std::string path = Beside(m.path, lit.value);
    std::optional<std::string> text = ReadPolicyFile(path);
    if (!text) {
      diags_
          .Report(DiagKind::ListNotFound, lit.span,
                  fmt::format("cannot read the {} `{}`", what, path))
          .Label("no such file")
          .Help("the path is relative to the policy file; check it and the file's permissions");
      return std::nullopt;
    }
    return sources_.Add(path, std::move(*text));
  };
  for (const auto& sym : m.symbols) {
    if (sym->kind != SymbolKind::List) continue;
    const auto& decl = sym->decl->As<ast::ListDecl>();
    screening::ListFormat format = screening::ListFormat::Licit;
    if (decl.format) {
      if (decl.format->text == "csl") {
        format = screening::ListFormat::Csl;
      } else {
        auto& d = diags_.Report(DiagKind::ClauseNotAllowed, decl.format->span,
                                fmt::format("unknown list format `{}`", decl.format->text));
        d.Label("not a list format");
        d.Help(
            "leave `format` out for Licit's columns (id,name,aliases,country,listed,delisted,"
            "source,remarks), or write `format csl` for the Consolidated Screening List's CSV");
      }
    }
    screening::Thresholds thresholds;
    bool thresholds_ok = true;
    for (const auto* t : {&decl.match, &decl.review}) {
      if (*t && !((*t)->value >= 0 && (*t)->value <= 1)) {
        diags_
            .Report(DiagKind::ListBadThreshold, (*t)->span,
                    fmt::format("a score threshold is between 0 and 1, found `{}`",
                                sources_.Get((*t)->span.file)
                                    .text()
                                    .substr((*t)->span.begin, (*t)->span.size())))
            .Label("out of range")
            .Help("scores run from 0 (nothing alike) to 1 (the same name)");
        thresholds_ok = false;
      }
    }
    if (decl.match) thresholds.match = decl.match->value;
    if (decl.review) thresholds.review = decl.review->value;
    if (thresholds_ok && thresholds.review > thresholds.match) {
      Span at = decl.review ? decl.review->span : decl.match->span;
      auto& d = diags_.Report(DiagKind::ListBadThreshold, at,
                              fmt::format("the review threshold {} is above the match threshold {}",
                                          thresholds.review, thresholds.match));
      d.Label("above `match`");
      if (decl.match && decl.review) d.Also(decl.match->span, "the match threshold");
      d.Help(
          "scores from `review` up to `match` are possible matches (sent to review); `review` "
          "must not exceed `match`");
    }
    std::optional<FileId> file = read(decl.path, "list file");
    if (!file) continue;
    std::unique_ptr<screening::PartyList> list =
        screening::PartyList::Parse(sources_.Get(*file), format, diags_);
    list->set_thresholds(thresholds);
    if (decl.cleared) {
      if (std::optional<FileId> cleared = read(*decl.cleared, "cleared file")) {
        list->AddCleared(sources_.Get(*cleared), diags_);
      }
    }
    program_.mutable_lists()[sym.get()] = std::move(list);
  }
}

void Checker::AddImportedNames(CheckedModule& m) {
  for (const ast::Decl* d : m.ast->decls()) {
    if (d == nullptr || d->kind != ast::DeclKind::Import) continue;
    const auto& imp = d->As<ast::ImportDecl>();
    auto target = import_targets_.find(&imp);
    if (imp.alias || target == import_targets_.end()) continue;
    const CheckedModule& from = program_.module(target->second);
    for (const auto& [name, sym] : from.exports) {
      auto it = m.scope.find(name);
      if (it == m.scope.end()) {
        m.scope[name] = sym;
      } else if (it->second->module == m.id) {
        std::string module_text =
            imp.module ? imp.module->ToString() : "\"" + imp.path->value + "\"";
        diags_
            .Report(DiagKind::ImportConflict, it->second->name_span,
                    fmt::format("`{}` is also imported from `{}`", name, from.name))
            .Label("local declaration")
            .Also(d->span, fmt::format("imports `{}`", name))
            .Help(fmt::format("import the module under a name: `import {} as M`, then write `M.{}`",
                              module_text, name));
      }
    }
  }
}

const Symbol* Checker::LookupQualified(CheckedModule& m, const ast::QualifiedName& q) {
  if (q.parts.empty()) return nullptr;
  auto it = m.scope.find(q.parts[0].text);
  if (it == m.scope.end()) return nullptr;
  if (q.parts.size() == 1) return it->second;
  if (q.parts.size() != 2 || it->second->kind != SymbolKind::ImportAlias) return nullptr;
  MarkUsed(m, it->second);
  const CheckedModule& target = program_.module(it->second->alias_target);
  auto e = target.exports.find(q.parts[1].text);
  return e == target.exports.end() ? nullptr : e->second;
}

Type Checker::ResolveTypeRef(CheckedModule& m, const ast::TypeRef* ref) {
  if (ref == nullptr || ref->name.parts.empty()) return Type::Error();
  std::string name = ref->name.ToString();
  static const std::vector<std::string> kBuiltins = {
      "bool", "int", "decimal", "string", "date", "country", "money", "code", "set", "list"};
  auto want_args = [&](size_t n) {
    if (ref->args.size() == n) return true;
    diags_.Report(DiagKind::UnknownType, ref->span,
                  n == 0 ? fmt::format("`{}` takes no type argument", name)
                         : fmt::format("`{}` needs an element type: `{}<T>`", name, name));
    return false;
  };
  if (name == "bool") return want_args(0) ? Type::Bool() : Type::Error();
  if (name == "int") return want_args(0) ? Type::Int() : Type::Error();
  if (name == "decimal") return want_args(0) ? Type::Decimal() : Type::Error();
  if (name == "string") return want_args(0) ? Type::String() : Type::Error();
  if (name == "date") return want_args(0) ? Type::Date() : Type::Error();
  if (name == "country") return want_args(0) ? Type::Country() : Type::Error();
  if (name == "money") return want_args(0) ? Type::Money() : Type::Error();
  if (name == "code") return want_args(0) ? Type::Code() : Type::Error();
  if (name == "set" || name == "list") {
    if (!want_args(1)) return Type::Error();
    Type element = ResolveTypeRef(m, ref->args[0].get());
    return name == "set" ? Type::SetOf(element) : Type::ListOf(element);
  }
  const Symbol* s = LookupQualified(m, ref->name);
  if (s != nullptr && s->kind == SymbolKind::Record && s->record != nullptr) {
    MarkUsed(m, s);
    if (!want_args(0)) return Type::Error();
    return Type::RecordOf(s->record);
  }
  std::vector<std::string> candidates = kBuiltins;
  for (const auto& [n, sym] : m.scope) {
    if (sym->kind == SymbolKind::Record) candidates.push_back(n);
  }
  auto& d = diags_.Report(DiagKind::UnknownType, ref->name.span,
                          s != nullptr ? fmt::format("`{}` is {} {}, not a type", name,
                                                     Article(s->kind), SymbolKindName(s->kind))
                                       : fmt::format("unknown type `{}`", name));
  d.Label("not a type");
  if (auto best = ClosestMatch(name, candidates)) d.Help(fmt::format("did you mean `{}`?", *best));
  return Type::Error();
}

void Checker::ResolveRecords(CheckedModule& m) {
  // Two passes so records may refer to each other in any order.
  for (auto& s : m.symbols) {
    if (s->kind != SymbolKind::Record) continue;
    auto rec = std::make_unique<RecordType>();
    rec->name = s->name;
    rec->qualified_name = m.name.empty() ? s->name : m.name + "." + s->name;
    rec->span = s->name_span;
    s->record = rec.get();
    s->type = Type::RecordOf(rec.get());
    m.records.push_back(std::move(rec));
  }
  for (auto& s : m.symbols) {
    if (s->kind != SymbolKind::Record || s->record == nullptr) continue;
    auto* rec = const_cast<RecordType*>(s->record);
    std::map<std::string, Span> seen;
    for (const ast::FieldDecl& f : s->decl->As<ast::RecordDecl>().fields) {
      if (f.name.text.empty()) continue;
      if (auto it = seen.find(f.name.text); it != seen.end()) {
        diags_
            .Report(DiagKind::DuplicateField, f.name.span,
                    fmt::format("field `{}` is declared twice in `{}`", f.name.text, s->name))
            .Also(it->second, "first declared here");
        continue;
      }
      seen[f.name.text] = f.name.span;
      RecordField field;
      field.name = f.name.text;
      field.type = ResolveTypeRef(m, f.type.get());
      field.optional = f.type && f.type->optional;
      field.span = f.name.span;
      field.index = static_cast<uint32_t>(rec->fields.size());
      rec->fields.push_back(std::move(field));
    }
  }
}

void Checker::ResolveInput(CheckedModule& m) {
  const ast::InputDecl* input = nullptr;
  for (const ast::Decl* d : m.ast->decls()) {
    if (d == nullptr || d->kind != ast::DeclKind::Input) continue;
    if (input != nullptr) {
      diags_.Report(DiagKind::DuplicateName, d->span, "the input record is declared twice")
          .Also(input->span, "first declared here");
      continue;
    }
    input = &d->As<ast::InputDecl>();
  }
  if (input != nullptr) {
    const Symbol* s = LookupQualified(m, input->type_name);
    if (s != nullptr && s->kind == SymbolKind::Record) {
      MarkUsed(m, s);
      m.input = s->record;
    } else if (s != nullptr) {
      MarkUsed(m, s);
      diags_
          .Report(DiagKind::InputNotRecord, input->type_name.span,
                  fmt::format("`{}` is {} {}, not a record type", input->type_name.ToString(),
                              Article(s->kind), SymbolKindName(s->kind)))
          .Label("the input must be a record type")
          .Help("declare it with `record Name { field: Type, ... }`");
    } else {
      std::vector<std::string> records;
      for (const auto& [n, sym] : m.scope) {
        if (sym->kind == SymbolKind::Record) records.push_back(n);
      }
      auto& d = diags_.Report(DiagKind::UnknownType, input->type_name.span,
                              fmt::format("unknown record type `{}`", input->type_name.ToString()));
      d.Label("no such record");
      if (auto best = ClosestMatch(input->type_name.ToString(), records)) {
        d.Help(fmt::format("did you mean `{}`?", *best));
      } else if (records.empty()) {
        d.Help("`import std.trade` for the standard `Shipment` record");
      }
    }
    return;
  }
  // Default: std.trade.Shipment (the module itself when checking std.trade).
  const CheckedModule* trade = nullptr;
  if (m.name == "std.trade") trade = &m;
  else if (auto it = loaded_.find("std:std.trade"); it != loaded_.end()) {
    trade = &program_.module(it->second);
  }
  if (trade == nullptr) return;
  auto it = trade->exports.find("Shipment");
  if (it == trade->exports.end() || it->second->kind != SymbolKind::Record) return;
  m.input = it->second->record;
  // An `import std.trade` that only provides the default input is used.
  if (trade != &m) used_imports_[m.id].insert(trade->id);
}

void Checker::CheckDeclNamesAgainstFields(CheckedModule& m) {
  if (m.input == nullptr) return;
  for (auto& s : m.symbols) {
    if (s->kind == SymbolKind::Record) continue;
    if (const RecordField* f = m.input->Find(s->name)) {
      diags_
          .Report(DiagKind::NameShadowsField, s->name_span,
                  fmt::format("{} `{}` has the name of an input field", SymbolKindName(s->kind),
                              s->name))
          .Label(fmt::format("`{}` is a field of `{}`", f->name, m.input->name))
          .Also(f->span, "the field is declared here")
          .Help("input fields are names in every expression; choose another name");
    }
  }
}

void Checker::CheckPolicyHeader(CheckedModule& m) {
  const ast::PolicyDecl* p = m.ast->policy();
  if (p == nullptr || !p->jurisdiction) return;
  const ast::Ident& j = *p->jurisdiction;
  if (j.text == "EU" || FindCountry(j.text)) return;
  auto& d = diags_.Report(DiagKind::InvalidJurisdiction, j.span,
                          fmt::format("`{}` is not a country code or `EU`", j.text));
  d.Label("expected a country or EU");
  if (IsUpperTwoLetters(j.text)) {
    if (auto c = SuggestCountry(j.text)) d.Help(CountryHelp(*c));
  }
}

void Checker::ReportUnknownName(CheckedModule& m, const std::string& name, Span span,
                                const std::vector<std::string>& extra) {
  if (IsUpperTwoLetters(name)) {
    auto& d = diags_.Report(DiagKind::UnknownCountry, span,
                            fmt::format("unknown country code `{}`", name));
    d.Label("not an ISO 3166-1 code");
    if (auto c = SuggestCountry(name)) d.Help(CountryHelp(*c));
    return;
  }
  std::vector<std::string> candidates;
  for (const auto& [n, sym] : m.scope) {
    if (sym->kind != SymbolKind::Rule && sym->kind != SymbolKind::Exception)
      candidates.push_back(n);
  }
  if (m.input != nullptr) {
    for (const auto& f : m.input->fields) candidates.push_back(f.name);
  }
  candidates.insert(candidates.end(), extra.begin(), extra.end());
  auto known = [&](const std::string& part) {
    return m.scope.count(part) || (m.input && m.input->Find(part)) || FindCountry(part);
  };
  auto& d = diags_.Report(DiagKind::UnknownName, span, fmt::format("unknown name `{}`", name));
  d.Label("not found in this policy");
  if (name.find('-') != std::string::npos) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      size_t dash = name.find('-', start);
      parts.push_back(name.substr(start, dash - start));
      if (dash == std::string::npos) break;
      start = dash + 1;
    }
    if (std::all_of(parts.begin(), parts.end(), known)) {
      // The author meant these names: do not also warn that they are unused.
      for (const std::string& part : parts) {
        if (auto it = m.scope.find(part); it != m.scope.end()) MarkUsed(m, it->second);
      }
      std::string joined;
      for (size_t i = 0; i < parts.size(); ++i) joined += (i ? " - " : "") + parts[i];
      d.Help(fmt::format("did you mean `{}`? (a name may contain `-`; put spaces around a minus)",
                         joined));
      return;
    }
  }
  // A country written by its name or an export-control alias (`Burma`, `South_Korea`, `Turkey`).
  if (auto c = FindCountryByName(name)) {
    const CountryInfo& info = AllCountries()[*c];
    d.Help(fmt::format("`{}` is the country `{}` ({}): write countries as ISO 3166-1 codes", name,
                       info.code, info.name));
    return;
  }
  if (auto best = ClosestMatch(name, candidates)) d.Help(fmt::format("did you mean `{}`?", *best));
}

// ---------------------------------------------------------------------------------------------
// Lets, classes and groups: dependency order and cycles.

void Checker::CollectDeps(CheckedModule& m, const ast::Expr* e, std::vector<const Symbol*>* deps) {
  if (e == nullptr) return;
  switch (e->kind) {
    case ast::ExprKind::Name: {
      auto it = m.scope.find(e->As<ast::NameExpr>().name);
      if (it != m.scope.end() && it->second->module == m.id) deps->push_back(it->second);
      return;
    }
    case ast::ExprKind::Field: CollectDeps(m, e->As<ast::FieldExpr>().object, deps); return;
    case ast::ExprKind::Call:
      for (const ast::Expr* a : e->As<ast::CallExpr>().args) CollectDeps(m, a, deps);
      return;
    case ast::ExprKind::Unary: CollectDeps(m, e->As<ast::UnaryExpr>().operand, deps); return;
    case ast::ExprKind::Binary:
      CollectDeps(m, e->As<ast::BinaryExpr>().lhs, deps);
      CollectDeps(m, e->As<ast::BinaryExpr>().rhs, deps);
      return;
    case ast::ExprKind::If:
      CollectDeps(m, e->As<ast::IfExpr>().cond, deps);
      CollectDeps(m, e->As<ast::IfExpr>().then_value, deps);
      CollectDeps(m, e->As<ast::IfExpr>().else_value, deps);
      return;
    case ast::ExprKind::Set:
      for (const ast::Expr* x : e->As<ast::SetExpr>().elements) CollectDeps(m, x, deps);
      return;
    case ast::ExprKind::List:
      for (const ast::Expr* x : e->As<ast::ListExpr>().elements) CollectDeps(m, x, deps);
      return;
    case ast::ExprKind::Record:
      for (const auto& f : e->As<ast::RecordExpr>().fields) CollectDeps(m, f.value, deps);
      return;
    default: return;
  }
}

void Checker::OrderDefinitions(CheckedModule& m, std::vector<Symbol*>* order) {
  // Dependency graph over this module's lets, classes and groups (imported ones are checked).
  std::map<const Symbol*, std::vector<const Symbol*>> deps;
  std::vector<Symbol*> nodes;
  for (auto& s : m.symbols) {
    if (s->kind != SymbolKind::Let && s->kind != SymbolKind::Class &&
        s->kind != SymbolKind::Group) {
      continue;
    }
    if (m.scope.count(s->name) == 0 || m.scope.at(s->name) != s.get()) continue;  // duplicate
    nodes.push_back(s.get());
    std::vector<const Symbol*> out;
    if (s->kind == SymbolKind::Group) {
      for (const ast::GroupMember& g : s->decl->As<ast::GroupDecl>().members) {
        if (g.ref.parts.size() != 1) continue;
        auto it = m.scope.find(g.ref.parts[0].text);
        if (it != m.scope.end() && it->second->module == m.id) out.push_back(it->second);
      }
    } else {
      CollectDeps(m, CheckedProgram::ValueOf(s.get()), &out);
    }
    std::vector<const Symbol*> filtered;
    for (const Symbol* d : out) {
      if (d->kind == SymbolKind::Let || d->kind == SymbolKind::Class ||
          d->kind == SymbolKind::Group) {
        filtered.push_back(d);
      }
    }
    deps[s.get()] = std::move(filtered);
  }
  // Iterative DFS: long chains of definitions must not overflow the stack.
  enum Color { kWhite, kGray, kBlack };
  std::map<const Symbol*, Color> color;
  for (Symbol* root : nodes) {
    if (color[root] != kWhite) continue;
    std::vector<std::pair<const Symbol*, size_t>> stack = {{root, 0}};
    color[root] = kGray;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const auto& out = deps[node];
      if (next < out.size()) {
        const Symbol* dep = out[next++];
        if (color[dep] == kWhite) {
          color[dep] = kGray;
          stack.push_back({dep, 0});
        } else if (color[dep] == kGray && !in_cycle_.count(dep)) {
          // The cycle is the stack from `dep` to the top.
          std::string chain;
          size_t start = 0;
          while (stack[start].first != dep) ++start;
          for (size_t i = start; i < stack.size(); ++i) {
            chain += stack[i].first->name + " -> ";
            in_cycle_.insert(stack[i].first);
          }
          chain += dep->name;
          auto& d = diags_.Report(DiagKind::DefinitionCycle, dep->name_span,
                                  dep == node ? fmt::format("`{}` refers to itself", dep->name)
                                              : fmt::format("definitions refer to each other in a "
                                                            "cycle: {}",
                                                            chain));
          d.Label(fmt::format("`{}` is defined in terms of itself", dep->name));
          for (size_t i = start + 1; i < stack.size(); ++i) {
            d.Also(stack[i].first->name_span,
                   fmt::format("`{}` is part of the cycle", stack[i].first->name));
          }
          d.Help("a let, class or group cannot depend on itself, directly or through others");
        }
      } else {
        color[node] = kBlack;
        order->push_back(const_cast<Symbol*>(node));
        stack.pop_back();
      }
    }
  }
}

void Checker::CheckDefinition(CheckedModule& m, Symbol& s) {
  ExprContext ctx;
  ctx.module = &m;
  switch (s.kind) {
    case SymbolKind::Let: {
      ctx.let = &s;
      const ast::Expr* value = s.decl->As<ast::LetDecl>().value;
      s.type = Check(value, ctx);
      if (in_cycle_.count(&s)) s.type = Type::Error();
      return;
    }
    case SymbolKind::Class: {
      const ast::Expr* predicate = s.decl->As<ast::ClassDecl>().predicate;
      if (&s == program_.probe()) {
        // The REPL's probe: a value of any type, or a record literal of the input type.
        if (options_.probe_record && m.input != nullptr) {
          CheckRecordLiteral(predicate, m.input, ctx);
          s.type = Type::Error();
        } else {
          s.type = Check(predicate, ctx);
        }
        return;
      }
      CheckCondition(predicate, ctx, "a class");
      return;
    }
    case SymbolKind::Group: CheckGroup(m, s); return;
    default: return;
  }
}

namespace {

void AddRange(std::vector<DayRange>& ranges, DayRange r) {
  if (r.empty()) return;
  ranges.push_back(r);
  std::sort(ranges.begin(), ranges.end(),
            [](const DayRange& a, const DayRange& b) { return a.since < b.since; });
  std::vector<DayRange> merged;
  for (const DayRange& x : ranges) {
    if (!merged.empty() &&
        (merged.back().until == DayRange::kOpenEnd || x.since <= merged.back().until + 1)) {
      merged.back().until = std::max(merged.back().until, x.until);
    } else {
      merged.push_back(x);
    }
  }
  ranges = std::move(merged);
}

}  // namespace

void Checker::CheckGroup(CheckedModule& m, Symbol& s) {
  GroupMembers members;
  for (const ast::GroupMember& g : s.decl->As<ast::GroupDecl>().members) {
    DayRange period = CheckPeriod(g.since, g.until);
    if (g.since || g.until) m.has_dated_rules = true;
    if (g.ref.parts.empty()) continue;
    std::string name = g.ref.ToString();
    if (g.ref.parts.size() == 1) {
      if (auto c = FindCountry(name); c && !m.scope.count(name)) {
        AddRange(members[*c], period);
        continue;
      }
    }
    const Symbol* sub = LookupQualified(m, g.ref);
    if (sub == nullptr) {
      if (g.ref.parts.size() == 2 && m.scope.count(g.ref.parts[0].text)) {
        diags_.Report(DiagKind::UnknownName, g.ref.span, fmt::format("unknown name `{}`", name))
            .Label(fmt::format("no `{}` in the imported module", g.ref.parts[1].text));
      } else {
        ReportUnknownName(m, name, g.ref.span);
      }
      continue;
    }
    MarkUsed(m, sub);
    if (sub->kind != SymbolKind::Group) {
      diags_
          .Report(DiagKind::NotADestination, g.ref.span,
                  fmt::format("`{}` is {} {}, not a country or a group", name, Article(sub->kind),
                              SymbolKindName(sub->kind)))
          .Label("group members are countries or groups");
      continue;
    }
    if (in_cycle_.count(sub)) continue;
    for (const auto& [country, ranges] : program_.MembersOf(sub)) {
      for (const DayRange& r : ranges) AddRange(members[country], r.Intersect(period));
    }
  }
  program_.mutable_groups()[&s] = std::move(members);
}

DayRange Checker::CheckPeriod(const std::optional<ast::DateBound>& since,
                              const std::optional<ast::DateBound>& until) {
  DayRange r;
  if (since) r.since = since->AsSince();
  if (until) r.until = until->AsUntil();
  if (since && until && r.until < r.since) {
    diags_
        .Report(DiagKind::UntilBeforeSince, until->span,
                fmt::format("the period ends on {} before it starts on {}", FormatDate(r.until),
                            FormatDate(r.since)))
        .Label("`until` is before `since`")
        .Also(since->span, "starts here")
        .Help("`since` is the first day in force and `until` the last, both inclusive");
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Rules.

std::optional<Destination> Checker::ResolveDestination(CheckedModule& m,
                                                       const ast::QualifiedName& q) {
  if (q.parts.empty()) return std::nullopt;
  std::string name = q.ToString();
  Destination dest;
  dest.span = q.span;
  if (q.parts.size() == 1 && !m.scope.count(name)) {
    if (auto c = FindCountry(name)) {
      dest.kind = Destination::Kind::Country;
      dest.country = *c;
      return dest;
    }
  }
  const Symbol* s = LookupQualified(m, q);
  if (s == nullptr) {
    if (q.parts.size() == 1 && m.input && m.input->Find(name)) {
      diags_
          .Report(DiagKind::NotADestination, q.span,
                  fmt::format("`{}` is an input field, not a destination", name))
          .Label("expected a country, a group or a let of type set<country>");
      return std::nullopt;
    }
    ReportUnknownName(m, name, q.span);
    return std::nullopt;
  }
  MarkUsed(m, s);
  if (s->kind == SymbolKind::Group) {
    dest.kind = Destination::Kind::Group;
    dest.symbol = s;
    return dest;
  }
  if (s->kind == SymbolKind::Let &&
      (s->type.is_error() || s->type == Type::SetOf(Type::Country()) ||
       s->type == Type::ListOf(Type::Country()) ||
       (s->type.is_collection() && s->type.element().is_error()))) {
    dest.kind = Destination::Kind::Let;
    dest.symbol = s;
    return dest;
  }
  diags_
      .Report(DiagKind::NotADestination, q.span,
              s->kind == SymbolKind::Let ? fmt::format("let `{}` has type `{}`, not `set<country>`",
                                                       name, s->type.ToString())
                                         : fmt::format("`{}` is {} {}, not a destination", name,
                                                       Article(s->kind), SymbolKindName(s->kind)))
      .Label("expected a country, a group or a let of type set<country>")
      .Also(s->name_span, "declared here");
  return std::nullopt;
}

std::optional<CheckedDestinations> Checker::CheckDestinations(CheckedModule& m,
                                                              const ast::Destinations& d) {
  const RecordField* dest_field = m.input ? m.input->Find("destination") : nullptr;
  if (m.input != nullptr && (dest_field == nullptr || !(dest_field->type == Type::Country()))) {
    auto& diag = diags_.Report(DiagKind::NoDestinationField, d.to_span.valid() ? d.to_span : d.span,
                               fmt::format("`to` needs a field `destination: country`, and `{}` "
                                           "has {}",
                                           m.input->name,
                                           dest_field ? "one of type " + dest_field->type.ToString()
                                                      : std::string("none")));
    diag.Label("`to` tests the record's destination");
    if (dest_field) diag.Also(dest_field->span, "declared here");
    diag.Help("write the condition with `when` instead");
  }
  CheckedDestinations out;
  out.any = d.any;
  for (const auto& q : d.include) {
    if (auto x = ResolveDestination(m, q)) out.include.push_back(*x);
  }
  for (const auto& q : d.except) {
    if (auto x = ResolveDestination(m, q)) out.except.push_back(*x);
  }
  return out;
}

void Checker::CheckRules(CheckedModule& m) {
  for (auto& s : m.symbols) {
    if (s->kind != SymbolKind::Rule) continue;
    const auto& r = s->decl->As<ast::RuleDecl>();
    CheckedRule cr;
    cr.decl = &r;
    cr.symbol = s.get();
    if (r.effect.effect == ast::Effect::Exempt) {
      diags_.Report(DiagKind::ExemptOnRule, r.effect.span, "a rule cannot be `exempt`")
          .Label("only exceptions produce `exempt`")
          .Help(
              fmt::format("to waive a rule, write `exception NAME for {}: when ...`", r.name.text));
    } else if (r.effect.effect == ast::Effect::Allow) {
      diags_
          .Report(
              DiagKind::AllowOnRule, r.effect.span,
              fmt::format("rule `{}` has effect `allow`, which changes no decision", r.name.text))
          .Label("`allow` is the weakest effect")
          .Help("to let some records through a stricter rule, write an `exception` for it");
    }
    if (r.class_name && !r.class_name->parts.empty()) {
      const Symbol* c = LookupQualified(m, *r.class_name);
      std::string name = r.class_name->ToString();
      if (c != nullptr && c->kind == SymbolKind::Class) {
        MarkUsed(m, c);
        cr.scope_class = c;
      } else {
        std::vector<std::string> classes;
        for (const auto& [n, sym] : m.scope) {
          if (sym->kind == SymbolKind::Class) classes.push_back(n);
        }
        std::string what;
        if (c != nullptr) {
          MarkUsed(m, c);
          what = fmt::format("`{}` is {} {}, not a class", name, Article(c->kind),
                             SymbolKindName(c->kind));
        } else if (m.input && m.input->Find(name)) {
          what = fmt::format("`{}` is an input field, not a class", name);
        } else {
          what = fmt::format("there is no class `{}`", name);
        }
        auto& d = diags_.Report(DiagKind::NotAClass, r.class_name->span, what);
        d.Label("a rule's scope names a class");
        if (c == nullptr) {
          if (auto best = ClosestMatch(name, classes)) {
            d.Help(fmt::format("did you mean `{}`?", *best));
          } else {
            d.Help(
                fmt::format("declare it with `class {} = ...`, or write the condition with "
                            "`when`",
                            name));
          }
        } else {
          d.Help(
              fmt::format("declare a class (`class name = ...`) or move the condition into "
                          "`when`"));
        }
      }
    }
    if (r.to) cr.to = CheckDestinations(m, *r.to);
    ExprContext ctx;
    ctx.module = &m;
    if (r.clauses.when) CheckCondition(r.clauses.when, ctx, "`when`");
    if (r.clauses.unless) CheckCondition(r.clauses.unless, ctx, "`unless`");
    cr.period = CheckPeriod(r.clauses.since, r.clauses.until);
    if (r.clauses.since || r.clauses.until) m.has_dated_rules = true;
    m.rules.push_back(std::move(cr));
  }
}

// After the rules: exceptions (and which rules each waives), then suspensions, the default and
// tests in source order, then the rules that can never fire. Diagnostics come in that order.
void Checker::CheckExceptionsSuspensionsTests(CheckedModule& m) {
  CheckExceptions(m);
  std::map<std::string, const ast::TestDecl*> tests_by_name;
  for (const ast::Decl* d : m.ast->decls()) {
    if (d == nullptr) continue;
    switch (d->kind) {
      case ast::DeclKind::Suspend: CheckSuspension(m, d->As<ast::SuspendDecl>()); break;
      case ast::DeclKind::Default: CheckDefault(m, d->As<ast::DefaultDecl>()); break;
      case ast::DeclKind::Test: CheckTestDecl(m, d->As<ast::TestDecl>(), tests_by_name); break;
      default: break;
    }
  }
  ReportRulesThatNeverFire(m);
}

// A rule or exception named by `for`, `suspend` or `by`: this module's own only. Null, with a
// diagnostic, when there is none or the name is something else.
const Symbol* Checker::ResolveRuleTarget(CheckedModule& m, const ast::Ident& id, bool rules_only,
                                         bool for_suspend) {
  auto it = m.scope.find(id.text);
  const Symbol* s = it == m.scope.end() ? nullptr : it->second;
  if (s != nullptr && s->module != m.id) s = nullptr;
  if (s == nullptr) {
    std::vector<std::string> rule_names;
    for (const auto& sym : m.symbols) {
      if (sym->kind == SymbolKind::Rule || sym->kind == SymbolKind::Exception) {
        rule_names.push_back(sym->name);
      }
    }
    auto& d = diags_.Report(DiagKind::UnknownRule, id.span,
                            fmt::format("there is no rule {}`{}` in this policy",
                                        rules_only ? "" : "or exception ", id.text));
    d.Label(rules_only ? "no such rule" : "no such rule or exception");
    if (auto best = ClosestMatch(id.text, rule_names)) {
      d.Help(fmt::format("did you mean `{}`?", *best));
    }
    return nullptr;
  }
  if (s->kind == SymbolKind::Rule || (!rules_only && s->kind == SymbolKind::Exception)) return s;
  if (for_suspend && s->kind != SymbolKind::Exception && s->kind != SymbolKind::Rule) {
    diags_
        .Report(DiagKind::SuspendWrongTarget, id.span,
                fmt::format("`{}` is {} {}; only rules and exceptions can be suspended", id.text,
                            Article(s->kind), SymbolKindName(s->kind)))
        .Label("cannot be suspended")
        .Also(s->name_span, "declared here")
        .Help("suspend the rules that use it instead");
    return nullptr;
  }
  diags_
      .Report(DiagKind::WrongKindOfName, id.span,
              fmt::format("`{}` is {} {}, not a rule", id.text, Article(s->kind),
                          SymbolKindName(s->kind)))
      .Label(rules_only ? "an exception waives rules" : "expected a rule or an exception")
      .Also(s->name_span, "declared here");
  return nullptr;
}

// Every exception in declaration order: the rules it waives (each rule's `waived_by` too), its
// conditions and its period.
void Checker::CheckExceptions(CheckedModule& m) {
  for (auto& s : m.symbols) {
    if (s->kind != SymbolKind::Exception) continue;
    const auto& e = s->decl->As<ast::ExceptionDecl>();
    CheckedException ce;
    ce.decl = &e;
    ce.symbol = s.get();
    for (const ast::Ident& id : e.rules) {
      if (const Symbol* r = ResolveRuleTarget(m, id, /*rules_only=*/true, /*for_suspend=*/false)) {
        MarkUsed(m, r);
        ce.rules.push_back(r);
      }
    }
    ExprContext ctx;
    ctx.module = &m;
    if (e.clauses.when) CheckCondition(e.clauses.when, ctx, "`when`");
    if (e.clauses.unless) CheckCondition(e.clauses.unless, ctx, "`unless`");
    ce.period = CheckPeriod(e.clauses.since, e.clauses.until);
    if (e.clauses.since || e.clauses.until) m.has_dated_rules = true;
    m.exceptions.push_back(std::move(ce));
  }
  for (auto& ce : m.exceptions) {
    for (const Symbol* r : ce.rules) {
      for (auto& cr : m.rules) {
        if (cr.symbol == r) cr.waived_by.push_back(ce.symbol);
      }
    }
  }
}

// `suspend A, B from ... until ...`: its period, its targets (each target's `suspensions` too),
// and a warning for a target whose own period it does not overlap.
void Checker::CheckSuspension(CheckedModule& m, const ast::SuspendDecl& sd) {
  auto cs = std::make_unique<CheckedSuspension>();
  cs->decl = &sd;
  m.has_dated_rules = true;
  cs->period.since = sd.from.AsSince();
  if (sd.until) {
    cs->period.until = sd.until->AsUntil();
    if (cs->period.until < cs->period.since) {
      diags_
          .Report(DiagKind::UntilBeforeSince, sd.until->span,
                  fmt::format("the suspension ends on {} before it starts on {}",
                              FormatDate(cs->period.until), FormatDate(cs->period.since)))
          .Label("`until` is before `from`")
          .Also(sd.from.span, "starts here");
    }
  }
  for (const ast::Ident& id : sd.targets) {
    const Symbol* t = ResolveRuleTarget(m, id, /*rules_only=*/false, /*for_suspend=*/true);
    if (t == nullptr) continue;
    MarkUsed(m, t);
    cs->targets.push_back(t);
    DayRange target_period;
    std::vector<const CheckedSuspension*>* list = nullptr;
    for (auto& cr : m.rules) {
      if (cr.symbol == t) {
        target_period = cr.period;
        list = &cr.suspensions;
      }
    }
    for (auto& ce : m.exceptions) {
      if (ce.symbol == t) {
        target_period = ce.period;
        list = &ce.suspensions;
      }
    }
    if (list) list->push_back(cs.get());
    if (!cs->period.empty() && !target_period.empty() && !cs->period.Overlaps(target_period)) {
      diags_
          .Report(DiagKind::SuspensionNoOverlap, id.span,
                  fmt::format("the suspension ({}) does not overlap the period of `{}` ({})",
                              FormatRange(cs->period), t->name, FormatRange(target_period)))
          .Label("suspends nothing")
          .Also(t->name_span,
                fmt::format("`{}` is in force {}", t->name, FormatRange(target_period)))
          .Help("check the dates of the suspension and of the rule");
    }
  }
  m.suspensions.push_back(std::move(cs));
}

// `default EFFECT`: one per policy, never `exempt`.
void Checker::CheckDefault(CheckedModule& m, const ast::DefaultDecl& dd) {
  if (m.default_decl != nullptr) {
    diags_.Report(DiagKind::DuplicateDefault, dd.span, "more than one `default`")
        .Label("second default")
        .Also(m.default_decl->span, "first default here")
        .Help("a policy has one default decision; remove one");
    return;
  }
  if (dd.effect.effect == ast::Effect::Exempt) {
    diags_.Report(DiagKind::InvalidDefault, dd.effect.span, "the default cannot be `exempt`")
        .Label("only exceptions produce `exempt`")
        .Help("the default is `allow`, `review`, `license` or `deny`");
  }
  m.default_decl = &dd;
}

// A test block: a unique name, the rules and exceptions its `by` names, then its record
// (CheckTest).
void Checker::CheckTestDecl(CheckedModule& m, const ast::TestDecl& t,
                            std::map<std::string, const ast::TestDecl*>& tests_by_name) {
  if (auto [it, inserted] = tests_by_name.emplace(t.name.value, &t); !inserted) {
    diags_
        .Report(DiagKind::DuplicateTest, t.name.span,
                fmt::format("two tests are named \"{}\"", t.name.value))
        .Label("second test")
        .Also(it->second->name.span, "first test with this name")
        .Help("test names identify results in `licit test`; rename one");
  }
  CheckedTest ct;
  ct.decl = &t;
  for (const ast::Ident& id : t.by) {
    if (const Symbol* s = ResolveRuleTarget(m, id, /*rules_only=*/false, /*for_suspend=*/false)) {
      MarkUsed(m, s);
      ct.by.push_back(s);
    }
  }
  CheckTest(m, t);
  m.tests.push_back(std::move(ct));
}

// A rule never fires when its period is empty or fully covered by suspensions.
void Checker::ReportRulesThatNeverFire(CheckedModule& m) {
  for (auto& cr : m.rules) {
    if (cr.period.empty() || cr.suspensions.empty()) continue;
    std::vector<DayRange> covered;
    for (const CheckedSuspension* s : cr.suspensions) AddRange(covered, s->period);
    bool all = false;
    for (const DayRange& c : covered) {
      if (c.since <= cr.period.since && c.until >= cr.period.until) all = true;
    }
    if (all) {
      auto& d = diags_.Report(DiagKind::RuleNeverFires, cr.symbol->name_span,
                              fmt::format("rule `{}` can never fire: it is suspended for its whole "
                                          "period",
                                          cr.symbol->name));
      d.Label("always suspended");
      for (const CheckedSuspension* s : cr.suspensions) d.Also(s->decl->span, "suspended here");
      d.Help("give the suspension an `until`, or remove the rule");
    }
  }
}

void Checker::CheckTest(CheckedModule& m, const ast::TestDecl& t) {
  ExprContext ctx;
  ctx.module = &m;
  if (t.given == nullptr) return;
  if (m.input != nullptr) {
    CheckRecordLiteral(t.given, m.input, ctx);
  } else {
    Check(t.given, ctx);
  }
  // The record is judged at its date: without one, dated rules cannot be decided.
  const RecordField* date = m.input ? m.input->Find("date") : nullptr;
  if (date != nullptr && !date->optional && date->type == Type::Date() && m.has_dated_rules &&
      t.given->kind == ast::ExprKind::Record) {
    bool has_date = false;
    for (const auto& f : t.given->As<ast::RecordExpr>().fields) {
      if (f.name.text == "date") has_date = true;
    }
    if (!has_date) {
      diags_
          .Report(DiagKind::MissingRequiredField, t.given->span,
                  "the test record has no `date`, but this policy has dated rules")
          .Label("add `date: YYYY-MM-DD`")
          .Help("a test is judged at its record's date; other missing fields are unknown");
    }
  } else if (date != nullptr && !date->optional && date->type == Type::Date() &&
             m.has_dated_rules && t.given->kind == ast::ExprKind::Set) {
    diags_
        .Report(DiagKind::MissingRequiredField, t.given->span,
                "the test record has no `date`, but this policy has dated rules")
        .Label("add `date: YYYY-MM-DD`");
  }
}

void Checker::CheckDateField(CheckedModule& m) {
  if (m.input == nullptr || !m.has_dated_rules) return;
  const RecordField* date = m.input->Find("date");
  if (date == nullptr) {
    // Point at the first dated declaration: that is what needs the date.
    Span where;
    for (const auto& cr : m.rules) {
      if (!cr.period.is_open()) {
        where = cr.symbol->name_span;
        break;
      }
    }
    if (!where.valid()) {
      for (const ast::Decl* d : m.ast->decls()) {
        if (d && (d->kind == ast::DeclKind::Suspend || d->kind == ast::DeclKind::Group ||
                  d->kind == ast::DeclKind::Exception)) {
          where = d->span;
          break;
        }
      }
    }
    diags_
        .Report(DiagKind::DatedWithoutDateField, where,
                fmt::format("this policy has dated rules, but its input `{}` has no `date` field",
                            m.input->name))
        .Label("dated")
        .Also(m.input->span, "input record declared here")
        .Help("add `date: date` to the record, or run with `--as-of`");
  } else if (!(date->type == Type::Date()) && !date->type.is_error()) {
    diags_
        .Report(DiagKind::NoDateField, date->span,
                fmt::format("the input's `date` field has type `{}`, but rules are judged at a "
                            "date",
                            date->type.ToString()))
        .Label("expected `date: date`")
        .Help("declare the field as `date: date`");
  }
}

void Checker::ReportConflictingRules(CheckedModule& m) {
  std::map<std::string, const CheckedRule*> seen;
  for (const auto& cr : m.rules) {
    const auto& r = *cr.decl;
    if (r.effect.effect == ast::Effect::Exempt) continue;
    std::string key = r.class_name ? r.class_name->ToString() : "";
    if (r.to) {
      key += " to ";
      key += r.to->any ? "any" : "";
      for (const auto& q : r.to->include) key += q.ToString() + ",";
      key += " except ";
      for (const auto& q : r.to->except) key += q.ToString() + ",";
    }
    key += "|when " + ExprText(r.clauses.when) + "|unless " + ExprText(r.clauses.unless);
    key += "|" + std::to_string(cr.period.since) + ".." + std::to_string(cr.period.until);
    auto [it, inserted] = seen.emplace(key, &cr);
    if (inserted) continue;
    const auto& first = *it->second->decl;
    if (first.effect.effect == r.effect.effect) continue;
    diags_
        .Report(DiagKind::ConflictingRules, r.name.span,
                fmt::format("rules `{}` and `{}` have the same scope and condition but different "
                            "effects ({} and {})",
                            first.name.text, r.name.text, ast::EffectName(first.effect.effect),
                            ast::EffectName(r.effect.effect)))
        .Label(fmt::format("this rule says `{}`", ast::EffectName(r.effect.effect)))
        .Also(first.name.span,
              fmt::format("this rule says `{}`", ast::EffectName(first.effect.effect)))
        .Help("only the stronger effect can ever show; remove one or make their conditions differ");
  }
}

void Checker::ReportUnused(CheckedModule& m) {
  for (const auto& s : m.symbols) {
    if (s->used) continue;
    if (s->kind == SymbolKind::Let || s->kind == SymbolKind::Class ||
        s->kind == SymbolKind::Group) {
      diags_
          .Report(DiagKind::Unused, s->name_span,
                  fmt::format("{} `{}` is never used", SymbolKindName(s->kind), s->name))
          .Label("declared here")
          .Help("remove it, or use it in a rule");
    } else if (s->kind == SymbolKind::ImportAlias) {
      diags_
          .Report(DiagKind::UnusedImport, s->decl->span,
                  fmt::format("import alias `{}` is never used", s->name))
          .Label("unused import")
          .Help("remove the import");
    }
  }
  for (const ast::Decl* d : m.ast->decls()) {
    if (d == nullptr || d->kind != ast::DeclKind::Import) continue;
    const auto& imp = d->As<ast::ImportDecl>();
    auto t = import_targets_.find(&imp);
    if (imp.alias || t == import_targets_.end()) continue;
    if (used_imports_[m.id].count(t->second)) continue;
    diags_
        .Report(DiagKind::UnusedImport, d->span,
                fmt::format("nothing from `{}` is used", program_.module(t->second).name))
        .Label("unused import")
        .Help("remove the import");
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points.

std::unique_ptr<CheckedProgram> CheckFiles(SourceManager& sources,
                                           const std::vector<std::string>& paths,
                                           DiagnosticSink& diags, const CheckOptions& options) {
  auto program = std::make_unique<CheckedProgram>();
  Checker checker(sources, diags, options, *program);
  for (const std::string& p : paths) checker.LoadRootFile(p);
  checker.CheckAll();
  return program;
}

std::unique_ptr<CheckedProgram> CheckSource(SourceManager& sources, std::string path,
                                            std::string text, DiagnosticSink& diags,
                                            const CheckOptions& options) {
  auto program = std::make_unique<CheckedProgram>();
  Checker checker(sources, diags, options, *program);
  checker.LoadRootText(path, std::move(text));
  checker.CheckAll();
  return program;
}

std::unique_ptr<CheckedProgram> CheckSources(
    SourceManager& sources, const std::vector<std::pair<std::string, std::string>>& roots,
    DiagnosticSink& diags, const CheckOptions& options) {
  auto program = std::make_unique<CheckedProgram>();
  Checker checker(sources, diags, options, *program);
  for (const auto& [path, text] : roots) checker.LoadRootText(path, text);
  checker.CheckAll();
  return program;
}

}  // namespace licit::sema
