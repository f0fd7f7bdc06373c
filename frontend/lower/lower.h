// Lowering: sema::CheckedProgram -> ir::Program. Runs only on programs without errors; callers go
// through frontend/pipeline.h, which verifies the result.
#pragma once

#include <memory>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/sema/checked.h"
#include "ir/ir.h"

namespace licit::ir {

// Lowers every root of `program` into one ir::Program (one ir::Policy per root, in order).
// Desugars concise rules, `to` scopes, classes, lets (folded to constants), dated groups,
// exceptions and suspensions once, so both engines share the result. Returns null and reports
// a diagnostic when the roots judge different input record types.
std::unique_ptr<Program> Lower(const sema::CheckedProgram& checked, const SourceManager& sources,
                               DiagnosticSink& diags);

}  // namespace licit::ir
