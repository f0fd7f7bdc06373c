// Builds the AST from the ANTLR parse tree. Internal to the syntax phase.
#pragma once

#include <memory>

#include "LicitParser.h"
#include "base/diagnostic.h"
#include "frontend/syntax/ast.h"
#include "frontend/syntax/token_source.h"

namespace licit::syntax {

// Walks the parse tree once. Reports what the grammar accepts but the language does not
// (duplicate clauses, clauses in the wrong declaration, invalid dates, escapes, currencies,
// chained comparisons, misplaced policy headers). Tolerates partial trees from error recovery.
std::unique_ptr<ast::Module> BuildModule(licit_gen::LicitParser::FileContext* tree,
                                         const SourceFile& file, const OffsetMap& offsets,
                                         DiagnosticSink& diags);

// BuildModule one declaration at a time, for a parser that frees each declaration's parse tree
// before the next: Add each declaration in file order, then Finish. The same module and the same
// diagnostics, in the same order, as BuildModule on the whole file's tree.
class ModuleBuilder {
 public:
  ModuleBuilder(const SourceFile& file, const OffsetMap& offsets, DiagnosticSink& diags);
  ~ModuleBuilder();
  ModuleBuilder(const ModuleBuilder&) = delete;
  ModuleBuilder& operator=(const ModuleBuilder&) = delete;
  void Add(licit_gen::LicitParser::DeclarationContext* declaration);
  std::unique_ptr<ast::Module> Finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace licit::syntax
