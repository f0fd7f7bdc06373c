// Compiling Licit source text to an ir::Program inside a test (check + lower), for the JIT tests.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/pipeline.h"
#include "tests/differential/env.h"

namespace licit::testing {

struct CompiledSource {
  SourceManager sources;
  std::unique_ptr<sema::CheckedProgram> checked;
  std::unique_ptr<ir::Program> program;
};

// Null with `*errors` holding the error diagnostics when the text does not check or lower.
inline std::unique_ptr<CompiledSource> CompileSource(const std::string& text, std::string* errors) {
  auto c = std::make_unique<CompiledSource>();
  DiagnosticSink diags;
  frontend::Compiled compiled = frontend::CompileText(c->sources, "test.licit", text, diags);
  c->checked = std::move(compiled.checked);
  c->program = std::move(compiled.program);
  for (const Diagnostic& d : diags.all())
    if (d.severity == Severity::Error) *errors += d.message + "\n";
  for (const std::string& message : compiled.internal) *errors += message + "\n";
  if (!errors->empty()) return nullptr;
  if (!c->program) {
    *errors = "lowering failed";
    return nullptr;
  }
  return c;
}

}  // namespace licit::testing
