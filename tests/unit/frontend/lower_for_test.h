// Test support shared by the IR unit tests: check and lower one policy given as text, failing
// the running Catch2 test on any error diagnostic or internal error (Verify problem). Include only
// from tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "frontend/pipeline.h"
#include "frontend/sema/checked.h"
#include "ir/ir.h"

namespace licit::ir::testing {

struct Lowered {
  SourceManager sources;
  DiagnosticSink diags;
  std::unique_ptr<sema::CheckedProgram> checked;
  std::unique_ptr<Program> program;
};

// Checks and lowers one policy; every program a test looks at must also pass Verify.
inline std::unique_ptr<Lowered> LowerText(std::string text, std::string path = "unit.licit") {
  auto r = std::make_unique<Lowered>();
  frontend::Compiled compiled =
      frontend::CompileText(r->sources, std::move(path), std::move(text), r->diags);
  r->checked = std::move(compiled.checked);
  r->program = std::move(compiled.program);
  for (const Diagnostic& d : r->diags.all()) {
    if (d.severity == Severity::Error) FAIL("unexpected diagnostic: " << d.message);
  }
  // The pipeline verifies the IR: a problem is an internal error and leaves no program.
  for (const std::string& p : compiled.internal) UNSCOPED_INFO(p);
  CHECK(compiled.internal.empty());
  REQUIRE(r->program != nullptr);
  return r;
}

}  // namespace licit::ir::testing
