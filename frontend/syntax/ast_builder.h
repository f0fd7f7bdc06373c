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

}  // namespace licit::syntax
