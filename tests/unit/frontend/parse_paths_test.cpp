// Parse's two paths (frontend/syntax/parse.cpp): one declaration at a time, each parse tree freed
// before the next (the default), and the whole file's tree (ParseOptions::whole_file_tree, and
// what the default falls back to on any error) give the same module and the same diagnostics.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "base/diagnostic.h"
#include "frontend/syntax/ast.h"
#include "frontend/syntax/parse.h"
#include "tests/unit/frontend/syntax_inputs.h"

namespace licit::syntax {
namespace {

std::string Parsed(const std::string& text, bool whole_file_tree) {
  SourceManager sources;
  DiagnosticSink diags;
  FileId file = sources.Add("input.licit", text);
  ParseOptions options;
  options.whole_file_tree = whole_file_tree;
  std::string out = ast::DumpAst(*Parse(sources, file, diags, options), sources);
  RenderOptions render;  // no colour
  out += RenderAllText(sources, diags, render);
  out += std::to_string(diags.error_count()) + " errors, " + std::to_string(diags.warning_count()) +
         " warnings, " + std::to_string(diags.dropped_count()) + " dropped\n";
  return out;
}

}  // namespace

TEST_CASE("parsing one declaration at a time gives what the whole file's tree gives", "[syntax]") {
  std::vector<std::string> inputs = Inputs();
  // Where a declaration ends, what follows it, and what the AST builder reports on valid syntax.
  inputs.push_back("");
  inputs.push_back("\n\n# only a comment\n");
  inputs.push_back("rule r: deny to JP\n");  // no policy header: the builder reports it
  inputs.push_back("policy a.b\nrule r: deny to JP since 2026-13-01\n");  // an invalid date
  inputs.push_back("policy a.b\nrule r: deny to JP since\n");             // a clause cut short
  inputs.push_back("policy a.b\nrule r: deny to JP ) rule\n");            // tokens after it
  inputs.push_back("policy a.b\nrule r:\n  deny to JP\n  since 2026-01\nlet x = 1\n");
  inputs.push_back("policy a.b\nlet x = ((((((1))))))\nlet y = \"\\q\"\n");  // a bad escape
  inputs.push_back("policy a.b\npolicy c.d\nrule r: deny\n");                // a second header
  std::string many = "policy a.b\n";
  for (int i = 0; i < 600; ++i) {  // more diagnostics than a sink keeps
    many += "rule r" + std::to_string(i) + ": deny to JP since 2026-13-0" +
            std::to_string(1 + i % 9) + "\n";
  }
  inputs.push_back(many);
  for (const std::string& text : inputs) {
    INFO(text);
    CHECK(Parsed(text, false) == Parsed(text, true));
  }
}

}  // namespace licit::syntax
