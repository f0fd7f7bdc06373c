// Internal to frontend/sema: the Checker class shared by check.cpp (loading, declarations,
// rules) and expr_check.cpp (expressions), and the expression printer used by dumps.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostic.h"
#include "frontend/sema/check.h"
#include "frontend/sema/checked.h"

namespace licit::sema {

// Renders an expression as normalized source text (fully parenthesized binary operations). With
// `program`, names carry what they resolved to (`end_use@field`) for DumpChecked.
std::string ExprText(const ast::Expr* e, const CheckedProgram* program = nullptr,
                     ModuleId module = 0);

class Checker {
 public:
  Checker(SourceManager& sources, DiagnosticSink& diags, const CheckOptions& options,
          CheckedProgram& program)
      : sources_(sources), diags_(diags), options_(options), program_(program) {}

  // Loading (check.cpp).
  void LoadRootFile(const std::string& path);
  void LoadRootText(const std::string& path, std::string text);
  // Checks every loaded module, imports before importers.
  void CheckAll();

 private:
  enum class LoadState { Loading, Done };

  // A policy file's text through CheckOptions::read_file (the file system by default).
  std::optional<std::string> ReadPolicyFile(const std::string& path) const;

  // Context of one expression check.
  struct ExprContext {
    CheckedModule* module = nullptr;
    const Symbol* let = nullptr;  // inside a let's value: only literals and lets
  };

  // --- loading (check.cpp)
  ModuleId AddLoadedModule(const std::string& key, const std::string& path, std::string text,
                           bool is_stdlib);
  void LoadImports(ModuleId id);
  std::optional<ModuleId> LoadStd(const std::string& name, Span span, bool implicit);
  std::optional<ModuleId> LoadRelative(ModuleId importer, const ast::StringLit& path);
  bool CheckCycle(ModuleId importer, const std::string& key, Span span);

  // --- declarations (check.cpp)
  void CheckModule(CheckedModule& m);
  void DeclareNames(CheckedModule& m);
  // Reads each `list` declaration's file (and cleared file) into CheckedProgram::lists.
  void LoadLists(CheckedModule& m);
  void AddImportedNames(CheckedModule& m);
  void ResolveRecords(CheckedModule& m);
  void ResolveInput(CheckedModule& m);
  void CheckDeclNamesAgainstFields(CheckedModule& m);
  Type ResolveTypeRef(CheckedModule& m, const ast::TypeRef* ref);
  const Symbol* LookupQualified(CheckedModule& m, const ast::QualifiedName& name);
  void OrderDefinitions(CheckedModule& m, std::vector<Symbol*>* order);
  void CollectDeps(CheckedModule& m, const ast::Expr* e, std::vector<const Symbol*>* deps);
  void CheckDefinition(CheckedModule& m, Symbol& s);
  void CheckGroup(CheckedModule& m, Symbol& s);
  void CheckPolicyHeader(CheckedModule& m);
  void CheckRules(CheckedModule& m);
  std::optional<CheckedDestinations> CheckDestinations(CheckedModule& m,
                                                       const ast::Destinations& d);
  std::optional<Destination> ResolveDestination(CheckedModule& m, const ast::QualifiedName& q);
  DayRange CheckPeriod(const std::optional<ast::DateBound>& since,
                       const std::optional<ast::DateBound>& until);
  void CheckExceptionsSuspensionsTests(CheckedModule& m);
  const Symbol* ResolveRuleTarget(CheckedModule& m, const ast::Ident& id, bool rules_only,
                                  bool for_suspend);
  void CheckExceptions(CheckedModule& m);
  void CheckSuspension(CheckedModule& m, const ast::SuspendDecl& sd);
  void CheckDefault(CheckedModule& m, const ast::DefaultDecl& dd);
  void CheckTestDecl(CheckedModule& m, const ast::TestDecl& t,
                     std::map<std::string, const ast::TestDecl*>& tests_by_name);
  void ReportRulesThatNeverFire(CheckedModule& m);
  void CheckTest(CheckedModule& m, const ast::TestDecl& t);
  void CheckDateField(CheckedModule& m);
  void ReportUnused(CheckedModule& m);
  void ReportConflictingRules(CheckedModule& m);
  void ReportUnknownName(CheckedModule& m, const std::string& name, Span span,
                         const std::vector<std::string>& extra_candidates = {});
  void MarkUsed(CheckedModule& m, const Symbol* s);

  // --- expressions (expr_check.cpp)
  Type Check(const ast::Expr* e, ExprContext& ctx);
  Type CheckUncached(const ast::Expr* e, ExprContext& ctx);
  Type CheckName(const ast::NameExpr& e, ExprContext& ctx, bool allow_group);
  Type CheckField(const ast::FieldExpr& e, ExprContext& ctx, bool allow_group);
  Type RefType(const NameRef& ref, const ast::Expr& e, ExprContext& ctx, bool allow_group,
               const std::string& shown_name);
  Type CheckCall(const ast::CallExpr& e, ExprContext& ctx);
  static bool IsMatchCall(const ast::Expr* e);
  Type CheckMatchCall(const ast::CallExpr& e, ExprContext& ctx);
  bool CheckParty(const ast::Expr* party, const Type& type, ExprContext& ctx,
                  const std::string& what);
  Type CheckHas(const ast::CallExpr& e, ExprContext& ctx);
  Type CheckBinary(const ast::BinaryExpr& e, ExprContext& ctx);
  Type CheckMembership(const ast::BinaryExpr& e, ExprContext& ctx);
  Type CheckEquality(const ast::BinaryExpr& e, const Type& l, const Type& r, ExprContext& ctx);
  Type CheckOrdering(const ast::BinaryExpr& e, const Type& l, const Type& r);
  Type CheckArithmetic(const ast::BinaryExpr& e, const Type& l, const Type& r);
  void ReportMoneyLiteralsDiffer(const ast::BinaryExpr& e);
  void ReportInvalidOperands(const ast::BinaryExpr& e, const Type& l, const Type& r,
                             const std::string& help);
  Type CheckCollection(const std::vector<ast::Expr*>& elements, ExprContext& ctx, bool is_set);
  Type CheckSetRhs(const ast::Expr* rhs, ExprContext& ctx);
  void CheckCondition(const ast::Expr* e, ExprContext& ctx, const char* what);
  void ExpectType(const ast::Expr* e, const Type& actual, const Type& expected, ExprContext& ctx,
                  const std::string& what);
  void ValidateCodes(const ast::Expr* e, ExprContext& ctx);
  void CheckRecordLiteral(const ast::Expr* e, const RecordType* record, ExprContext& ctx);
  void ReportMismatch(Span span, const Type& expected, const Type& found,
                      const ast::Expr* found_expr, const std::string& message);
  // The input field a has() argument names, walking `a.b.c`; null when not a field path.
  const RecordField* FieldPath(const ast::Expr* e, CheckedModule& m, bool* any_optional);
  void SetType(CheckedModule& m, const ast::Expr* e, const Type& t);

  SourceManager& sources_;
  DiagnosticSink& diags_;
  const CheckOptions& options_;
  CheckedProgram& program_;

  std::map<std::string, ModuleId> loaded_;  // canonical path or "std:name" -> module
  std::vector<LoadState> state_;
  std::vector<ModuleId> load_stack_;
  std::vector<ModuleId> check_order_;  // imports before importers
  std::map<const ast::ImportDecl*, ModuleId> import_targets_;
  std::map<ModuleId, std::set<ModuleId>> used_imports_;  // importer -> modules it used names of
  std::set<const Symbol*> codes_validated_;
  std::set<const Symbol*> in_cycle_;
};

}  // namespace licit::sema
