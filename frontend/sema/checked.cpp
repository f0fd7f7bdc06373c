#include "frontend/sema/checked.h"

#include "base/check.h"

namespace licit::sema {

const char* SymbolKindName(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::Record: return "record";
    case SymbolKind::Let: return "let";
    case SymbolKind::Class: return "class";
    case SymbolKind::Group: return "group";
    case SymbolKind::List: return "list";
    case SymbolKind::Rule: return "rule";
    case SymbolKind::Exception: return "exception";
    case SymbolKind::ImportAlias: return "import alias";
  }
  LICIT_UNREACHABLE("a SymbolKind outside the enum");
}

Type CheckedProgram::TypeOf(ModuleId module, ast::NodeId node) const {
  LICIT_CHECK(module < modules_.size());
  const CheckedModule& m = *modules_[module];
  return node < m.types.size() ? m.types[node] : Type::Error();
}

const NameRef* CheckedProgram::RefOf(ModuleId module, ast::NodeId node) const {
  LICIT_CHECK(module < modules_.size());
  const CheckedModule& m = *modules_[module];
  auto it = m.refs.find(node);
  return it == m.refs.end() ? nullptr : &it->second;
}

const RecordType* CheckedProgram::input() const {
  if (roots_.empty()) return nullptr;
  return modules_.at(roots_.front())->input;
}

std::shared_ptr<const screening::PartyList> CheckedProgram::ListOf(const Symbol* list) const {
  auto it = lists_.find(list);
  return it == lists_.end() ? nullptr : it->second;
}

const GroupMembers& CheckedProgram::MembersOf(const Symbol* group) const {
  static const GroupMembers kEmpty;
  auto it = groups_.find(group);
  return it == groups_.end() ? kEmpty : it->second;
}

const ast::Expr* CheckedProgram::ValueOf(const Symbol* symbol) {
  if (symbol == nullptr || symbol->decl == nullptr) return nullptr;
  switch (symbol->kind) {
    case SymbolKind::Let: return symbol->decl->As<ast::LetDecl>().value;
    case SymbolKind::Class: return symbol->decl->As<ast::ClassDecl>().predicate;
    default: return nullptr;
  }
}

CheckedModule& CheckedProgram::AddModule() {
  auto m = std::make_unique<CheckedModule>();
  m->id = static_cast<ModuleId>(modules_.size());
  modules_.push_back(std::move(m));
  return *modules_.back();
}

}  // namespace licit::sema
