// Test support shared by the IR unit tests: check and lower one policy given as text, failing
// the running Catch2 test on any error diagnostic or Verify problem. Include only from tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "frontend/lower/lower.h"
#include "frontend/sema/check.h"
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
  r->checked = sema::CheckSource(r->sources, std::move(path), std::move(text), r->diags);
  for (const Diagnostic& d : r->diags.all()) {
    if (d.severity == Severity::Error) FAIL("unexpected diagnostic: " << d.message);
  }
  r->program = Lower(*r->checked, r->sources, r->diags);
  REQUIRE(r->program != nullptr);
  std::vector<std::string> problems = Verify(*r->program);
  for (const std::string& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
  return r;
}

}  // namespace licit::ir::testing
