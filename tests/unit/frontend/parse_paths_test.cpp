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
  // Where the fast path lexes one declaration at a time (token_source.h, LayoutLexer): the layout
  // rule across lines and brackets, comments between and after declarations, and lexing errors
  // late in the file, which must send the whole file to the other path as if found first.
  inputs.push_back("policy a.b\nrule r: deny to JP");  // no newline at the end
  inputs.push_back("policy a.b\nrule r: deny to JP\n# the end\n# really\n");
  inputs.push_back("# before\npolicy a.b\n# between\n\n  # indented\nlet x = 1 # after\n");
  inputs.push_back("policy a.b\nlet x = [1,\n2,\n3]\nlet y = {a: (1 +\n2)}\nrule r: deny\n");
  inputs.push_back("policy a.b\nlet x = (1 +\nlet y = 2\nrule r: deny\n");  // unclosed, resynced
  inputs.push_back("policy a.b\r\nrule r: deny to JP\r\n  since 2026-01-01\r\n");
  inputs.push_back("\xEF\xBB\xBFpolicy a.b\nrule r: deny to JP\n");  // a byte-order mark
  inputs.push_back(
      "policy a.b\n# Soci\xC3\xA9t\xC3\xA9\nrule r: deny to JP\n"
      "  because \"\xE4\xB8\xAD\xE5\x9B\xBD \xF0\x9F\x98\x80\"\nlet x = \"\\q\"\n");
  inputs.push_back("policy a.b\nlet \xC3\xA9 = 1\n");  // a non-ASCII name
  inputs.push_back("  policy a.b\nrule r: deny\n");    // the first declaration indented
  inputs.push_back("policy a.b\nrule r: deny\nlet s = \"open\nrule q: deny\n");  // unterminated
  inputs.push_back("policy a.b\nrule r: deny\nlet x = 1 && 2\n");  // a stray character last
  inputs.push_back("policy a.b\nrule r: deny\n\tlet x = 1\n");
  inputs.push_back("policy a.b\nrule r: deny to JP since 2026-13-01\nlet x = 1 & 2\n");
  std::string deep = "policy a.b\n";
  for (int i = 0; i < 50; ++i) deep += "rule r" + std::to_string(i) + ": deny to JP\n";
  deep += "let x = " + std::string(300, '[') + "1" + std::string(300, ']') + "\nrule z: deny\n";
  inputs.push_back(deep);  // brackets too deep, found after 50 good declarations
  std::string deep_expr = "policy a.b\nrule r: deny\nlet x = ";
  for (int i = 0; i < 300; ++i) deep_expr += "not ";
  inputs.push_back(deep_expr + "true\nrule q: deny\n");  // too deep for the parser, not the lexer
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
