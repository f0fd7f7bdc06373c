// Engine::dump_files and the DumpStage names (licit.hpp): each stage of the compiler printed, with
// its diagnostics, as `licit dump --emit=STAGE` prints it.

#include <string>

#include <catch2/catch.hpp>

#include "licit/licit.h"
#include "licit/licit.hpp"
#include "tests/api/api_test_support.h"

namespace {

const std::string kFixtures = LICIT_SOURCE_DIR "/tests/golden/cli/fixtures/";

// The stdout section of a cli golden: what `licit dump` printed for the same file (its path
// relative to the golden's directory, as given on the .cmd line).
std::string GoldenStdout(const std::string& name) {
  std::string out = licit_test::ReadFile(LICIT_SOURCE_DIR "/tests/golden/cli/" + name + ".out");
  size_t begin = out.find("--- stdout\n");
  size_t end = out.find("--- stderr\n");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  begin += std::string("--- stdout\n").size();
  return out.substr(begin, end - begin);
}

}  // namespace

TEST_CASE("dump stage names", "[api][dump]") {
  for (licit::DumpStage s :
       {licit::DumpStage::Tokens, licit::DumpStage::Ast, licit::DumpStage::Checked,
        licit::DumpStage::Ir, licit::DumpStage::Llvm}) {
    CHECK(licit::parse_dump_stage(licit::dump_stage_name(s)) == s);
  }
  CHECK(std::string(licit::dump_stage_name(licit::DumpStage::Ir)) == "ir");
  CHECK_FALSE(licit::parse_dump_stage("bytecode").has_value());
  CHECK_FALSE(licit::parse_dump_stage("IR").has_value());
}

TEST_CASE("dump_files: every stage of a clean file", "[api][dump]") {
  licit::Engine engine;
  std::vector<std::string> clean = {kFixtures + "clean.licit"};
  // Tokens and the tree carry no paths, so they are the goldens' text exactly.
  licit::Dump tokens = engine.dump_files(clean, licit::DumpStage::Tokens);
  CHECK(tokens.compilation.ok());
  CHECK(tokens.text == GoldenStdout("dump_tokens"));
  licit::Dump ast = engine.dump_files(clean, licit::DumpStage::Ast);
  CHECK(ast.compilation.ok());
  CHECK(ast.text == GoldenStdout("dump_ast"));

  licit::Dump checked = engine.dump_files(clean, licit::DumpStage::Checked);
  CHECK(checked.compilation.ok());
  CHECK(checked.text.starts_with("module cli.clean (" + clean[0] + ")\n"));
  licit::Dump ir = engine.dump_files(clean, licit::DumpStage::Ir);
  CHECK(ir.compilation.ok());
  CHECK_FALSE(ir.text.empty());
  CHECK(ir.compilation.diagnostics_text().empty());
  // A dump never yields a policy, even when it is clean.
  CHECK_FALSE(ir.compilation.policy().valid());

  licit::Dump llvm = engine.dump_files(clean, licit::DumpStage::Llvm);
  if (licit::jit_available()) {
    CHECK(llvm.compilation.ok());
    // The compiled record layout as comments, then the module.
    CHECK(llvm.text.starts_with("; compiled record layout: "));
    CHECK(llvm.text.find("\n; ModuleID = 'licit'\n") != std::string::npos);
  } else {
    CHECK_FALSE(llvm.compilation.ok());
    CHECK(llvm.text.empty());
    REQUIRE(llvm.compilation.diagnostics().size() == 1);
    CHECK(llvm.compilation.diagnostics()[0].code == "unavailable");
  }
}

TEST_CASE("dump_files: errors, warnings and unreadable files", "[api][dump]") {
  licit::Engine engine;
  // The tree of a file with a syntax error is printed, with the error.
  licit::Dump ast = engine.dump_files({kFixtures + "syntax_error.licit"}, licit::DumpStage::Ast);
  CHECK_FALSE(ast.compilation.ok());
  CHECK(ast.compilation.error_count() > 0);
  CHECK(ast.text.starts_with("(module"));
  // Tokens stop before parsing: no error.
  CHECK(engine.dump_files({kFixtures + "syntax_error.licit"}, licit::DumpStage::Tokens)
            .compilation.ok());

  // IR needs a file without errors: no text, the checker's diagnostics.
  licit::Dump ir = engine.dump_files({kFixtures + "errors.licit"}, licit::DumpStage::Ir);
  CHECK_FALSE(ir.compilation.ok());
  CHECK(ir.text.empty());
  CHECK(ir.compilation.error_count() == 2);
  CHECK(ir.compilation.diagnostics()[0].code == "E0305");
  // ... but the checked program is printed as far as it goes.
  licit::Dump checked = engine.dump_files({kFixtures + "errors.licit"}, licit::DumpStage::Checked);
  CHECK_FALSE(checked.compilation.ok());
  CHECK_FALSE(checked.text.empty());

  // Warnings fail the dump only under warnings_as_errors.
  std::vector<std::string> warning = {kFixtures + "warning.licit"};
  licit::Dump w = engine.dump_files(warning, licit::DumpStage::Ir);
  CHECK(w.compilation.ok());
  CHECK(w.compilation.warning_count() == 1);
  CHECK_FALSE(w.text.empty());
  licit::EngineOptions strict;
  strict.warnings_as_errors = true;
  CHECK_FALSE(
      licit::Engine(strict).dump_files(warning, licit::DumpStage::Checked).compilation.ok());

  // An unreadable file is E0001, at every stage.
  for (licit::DumpStage s : {licit::DumpStage::Tokens, licit::DumpStage::Ast,
                             licit::DumpStage::Checked, licit::DumpStage::Ir}) {
    licit::Dump d = engine.dump_files({kFixtures + "no-such-file.licit"}, s);
    CHECK_FALSE(d.compilation.ok());
    REQUIRE(d.compilation.diagnostics().size() == 1);
    CHECK(d.compilation.diagnostics()[0].code == "E0001");
    CHECK(d.compilation.diagnostics()[0].message.find("no-such-file.licit") != std::string::npos);
  }

  // Tokens and the tree of several files: each file's, in order.
  licit::Dump two = engine.dump_files({kFixtures + "clean.licit", kFixtures + "clean.licit"},
                                      licit::DumpStage::Tokens);
  CHECK(two.text == GoldenStdout("dump_tokens") + GoldenStdout("dump_tokens"));
  // No files: nothing to print, nothing wrong.
  CHECK(engine.dump_files({}, licit::DumpStage::Ast).text.empty());
}

TEST_CASE("C: licit_dump_files", "[api][c][dump]") {
  licit_engine* engine = nullptr;
  REQUIRE(licit_engine_new(&engine) == LICIT_OK);
  std::string clean = kFixtures + "clean.licit";
  const char* paths[] = {clean.c_str()};
  char* text = nullptr;
  licit_compilation* c = nullptr;
  REQUIRE(licit_dump_files(engine, paths, 1, LICIT_DUMP_TOKENS, &text, &c) == LICIT_OK);
  REQUIRE(text != nullptr);
  CHECK(std::string(text) == GoldenStdout("dump_tokens"));
  licit_string_free(text);
  CHECK(licit_compilation_ok(c) == 1);
  licit_policy* p = nullptr;
  CHECK(licit_compilation_policy(c, &p) == LICIT_ERR_NO_POLICY);
  CHECK(p == nullptr);
  licit_compilation_free(c);

  // Errors: LICIT_ERR_COMPILE with both outputs; diagnostics are optional.
  std::string errors = kFixtures + "errors.licit";
  const char* bad[] = {errors.c_str()};
  c = nullptr;
  REQUIRE(licit_dump_files(engine, bad, 1, LICIT_DUMP_IR, &text, &c) == LICIT_ERR_COMPILE);
  CHECK(std::string(text).empty());
  licit_string_free(text);
  CHECK(licit_compilation_error_count(c) == 2);
  licit_compilation_free(c);
  std::string syntax_error = kFixtures + "syntax_error.licit";
  const char* unparsable[] = {syntax_error.c_str()};
  REQUIRE(licit_dump_files(engine, unparsable, 1, LICIT_DUMP_AST, &text, nullptr) ==
          LICIT_ERR_COMPILE);
  CHECK(std::string(text).starts_with("(module"));
  licit_string_free(text);

  // Misuse.
  CHECK(licit_dump_files(engine, paths, 1, LICIT_DUMP_AST, nullptr, nullptr) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_dump_files(engine, paths, 0, LICIT_DUMP_AST, &text, nullptr) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(text == nullptr);
  CHECK(licit_dump_files(engine, paths, 1, static_cast<licit_dump_stage>(9), &text, nullptr) ==
        LICIT_ERR_INVALID_ARGUMENT);
  CHECK(licit_dump_files(nullptr, paths, 1, LICIT_DUMP_AST, &text, nullptr) ==
        LICIT_ERR_INVALID_ARGUMENT);
  licit_engine_free(engine);
}
