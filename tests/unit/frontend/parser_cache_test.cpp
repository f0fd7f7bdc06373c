// The bound on ANTLR's prediction caches and the leak-free lexer simulator
// (frontend/syntax/parser_cache.h). The resident set over 10,000 compiles is tests/memory.
#include "frontend/syntax/parser_cache.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "frontend/syntax/format.h"
#include "frontend/syntax/parse.h"
#include "tests/unit/frontend/syntax_inputs.h"

namespace licit::syntax {
namespace {

// What the syntax phase makes of a text: the AST, the tokens and every diagnostic.
std::string Parsed(const std::string& text) {
  SourceManager sources;
  DiagnosticSink diags;
  FileId file = sources.Add("input.licit", text);
  std::string out = ast::DumpAst(*Parse(sources, file, diags), sources);
  out += DumpTokens(sources, file, diags);
  FormatResult formatted = Format(sources, file, diags);
  out += formatted.text.value_or("<not formatted>") + formatted.internal_error;
  for (const Diagnostic& d : diags.all()) {
    out += std::string(InfoOf(d.kind).code) + " " + std::to_string(d.span.begin) + " " + d.message +
           "\n";
  }
  return out;
}

size_t States(const ParserCacheStats& s) { return s.lexer_dfa_states + s.parser_dfa_states; }

TEST_CASE("the grammar fills the parser's caches far below the limit", "[syntax]") {
  const uint64_t resets = GetParserCacheStats().resets;
  for (const std::string& text : Inputs()) Parsed(text);
  ParserCacheStats s = GetParserCacheStats();
  INFO(s.lexer_dfa_states << " lexer and " << s.parser_dfa_states << " parser DFA states");
  CHECK(States(s) > 0);
  CHECK(States(s) < kMaxCachedDfaStates / 4);
  CHECK(s.resets == resets);
}

TEST_CASE("emptying the parser's caches after every parse changes no result", "[syntax]") {
  const std::vector<std::string> inputs = Inputs();
  std::vector<std::string> warm;
  for (const std::string& text : inputs) warm.push_back(Parsed(text));

  SetParserCacheLimit(1);  // every lease's end empties the caches unless they hold one state
  const uint64_t resets = GetParserCacheStats().resets;
  for (size_t i = 0; i < inputs.size(); ++i) {
    INFO(inputs[i]);
    CHECK(Parsed(inputs[i]) == warm[i]);
    ParserCacheStats s = GetParserCacheStats();
    CHECK(States(s) <= 1);  // an empty file makes only the lexer's start state
  }
  CHECK(GetParserCacheStats().resets >= resets + inputs.size());
  SetParserCacheLimit(0);

  // Warm again, and the same results.
  for (size_t i = 0; i < inputs.size(); ++i) CHECK(Parsed(inputs[i]) == warm[i]);
  CHECK(States(GetParserCacheStats()) > 0);
}

TEST_CASE("a currency that runs on into a name is a number and a name", "[syntax]") {
  SourceManager sources;
  DiagnosticSink diags;
  FileId file = sources.Add("input.licit", "let x = 100 USDX\nlet y = 100 USD\n");
  CHECK(DumpTokens(sources, file, diags) ==
        "1:1 SEP\n1:1 LET \"let\"\n1:5 NAME \"x\"\n1:7 ASSIGN \"=\"\n1:9 INT \"100\"\n"
        "1:13 NAME \"USDX\"\n2:1 SEP\n2:1 LET \"let\"\n2:5 NAME \"y\"\n2:7 ASSIGN \"=\"\n"
        "2:9 MONEY \"100 USD\"\n3:1 EOF\n");
}

}  // namespace
}  // namespace licit::syntax
