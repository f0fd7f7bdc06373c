#include "frontend/pipeline.h"

#include "frontend/lower/lower.h"

namespace licit::frontend {
namespace {

// Lowers and verifies a checked program that has no errors.
Compiled Finish(std::unique_ptr<sema::CheckedProgram> checked, const SourceManager& sources,
                DiagnosticSink& diags, const PipelineOptions& options) {
  Compiled out;
  out.checked = std::move(checked);
  const bool stop = diags.has_errors() || (options.warnings_as_errors && diags.warning_count() > 0);
  if (stop || !options.lower) return out;
  out.program = ir::Lower(*out.checked, sources, diags);
  if (out.program == nullptr) {
    // Lowering reports the one failure a policy can cause (roots judging different records);
    // anything else is a bug.
    if (!diags.has_errors()) {
      out.internal.push_back(
          "internal error: lowering produced no program; please report this as a bug");
    }
    return out;
  }
  // Every build verifies: an engine must never run a malformed program.
  for (const std::string& problem : ir::Verify(*out.program))
    out.internal.push_back("internal error: IR verification: " + problem);
  if (!out.internal.empty()) out.program.reset();
  return out;
}

}  // namespace

Compiled CompileFiles(SourceManager& sources, const std::vector<std::string>& paths,
                      DiagnosticSink& diags, const PipelineOptions& options) {
  return Finish(sema::CheckFiles(sources, paths, diags, options.check), sources, diags, options);
}

Compiled CompileText(SourceManager& sources, std::string path, std::string text,
                     DiagnosticSink& diags, const PipelineOptions& options) {
  return Finish(sema::CheckSource(sources, std::move(path), std::move(text), diags, options.check),
                sources, diags, options);
}

Compiled CompileTexts(SourceManager& sources,
                      const std::vector<std::pair<std::string, std::string>>& roots,
                      DiagnosticSink& diags, const PipelineOptions& options) {
  return Finish(sema::CheckSources(sources, roots, diags, options.check), sources, diags, options);
}

}  // namespace licit::frontend
