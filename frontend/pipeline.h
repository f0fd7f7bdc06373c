// The front end's one entry: sources in; diagnostics, the checked program and verified IR out.
// Parse, check, lower and verify run here in that order and nowhere else: the API, `licit dump`,
// the benchmarks, the fuzzers and the test helpers all call it.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/sema/check.h"
#include "frontend/sema/checked.h"
#include "ir/ir.h"

namespace licit::frontend {

struct PipelineOptions {
  sema::CheckOptions check;
  bool warnings_as_errors = false;  // a warning, like an error, stops the pipeline before lowering
  bool lower = true;  // false: stop once checked (licit check, dump of the checked stage)
};

// What the pipeline made. `checked` is never null: a program with errors still serves dumps and
// completion. `program` is set only when the sources have no errors (and no warnings, with
// warnings_as_errors): lowered, then verified by ir::Verify. `internal` holds failures that are
// bugs in Licit, not in the policy (lowering made nothing, a verifier problem), each a full
// sentence starting "internal error:" for the caller to report; `program` is null then.
struct Compiled {
  std::unique_ptr<sema::CheckedProgram> checked;
  std::unique_ptr<ir::Program> program;
  std::vector<std::string> internal;
};

// Root files read from disk, in order.
Compiled CompileFiles(SourceManager& sources, const std::vector<std::string>& paths,
                      DiagnosticSink& diags, const PipelineOptions& options = {});
// One root given as text; `path` names it in diagnostics and anchors its relative imports.
Compiled CompileText(SourceManager& sources, std::string path, std::string text,
                     DiagnosticSink& diags, const PipelineOptions& options = {});
// Several roots given as (path, text), in order (the REPL's session).
Compiled CompileTexts(SourceManager& sources,
                      const std::vector<std::pair<std::string, std::string>>& roots,
                      DiagnosticSink& diags, const PipelineOptions& options = {});

}  // namespace licit::frontend
