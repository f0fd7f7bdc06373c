// Compiling Licit source text to an ir::Program inside a test (check + lower), for the JIT tests.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include "base/diagnostic.h"
#include "base/source.h"
#include "frontend/lower/lower.h"
#include "frontend/sema/check.h"

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
  c->checked = sema::CheckSource(c->sources, "test.licit", text, diags);
  for (const Diagnostic& d : diags.all())
    if (d.severity == Severity::Error) *errors += d.message + "\n";
  if (!errors->empty()) return nullptr;
  c->program = ir::Lower(*c->checked, c->sources, diags);
  if (!c->program) {
    *errors = "lowering failed";
    return nullptr;
  }
  return c;
}

// A size from the environment (LICIT_* overrides), else `fallback`.
inline uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace licit::testing
